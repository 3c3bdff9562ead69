"""Writes on staff and API tokens: issue, revoke and check a token; a person's role, a new member
of staff, presence (III.4: who is there to take a call). Each service owns its transaction."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Case, OuterRef, Subquery, When
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from calldesk.errors import Conflict, FieldError, Forbidden, InvalidInput
from calldesk.prepared import Prepared, columns, model_from_row
from staff.exceptions import DepartmentNotFound, StaffNotFound
from staff.models import ApiToken, Department, Role, User
from staff.permissions import (
    EXCHANGE,
    admin_site_access,
    heads_a_headless_department,
    may_lead_department,
    may_set_department_heads,
    may_set_presence,
)

TOKEN_PREFIX = "cd_"  # nosec B105  # noqa: S105 - a marker, not a secret
# last_used_at is written at most this often per token, so a busy exchange does not turn every
# API read into a write.
TOKEN_TOUCH_INTERVAL = timedelta(minutes=1)


def hash_token(raw_token: str) -> str:
    return hashlib.sha256(raw_token.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    raw: str  # shown once, never stored


@transaction.atomic
def issue_api_token(*, user: User, name: str = "") -> IssuedToken:
    """Create a token for `user`; only its SHA-256 hash is kept."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, prefix=raw[:10], key_hash=hash_token(raw))
    return IssuedToken(token=token, raw=raw)


@transaction.atomic
def revoke_api_token(*, token_id: int) -> ApiToken:
    token = ApiToken.objects.select_for_update().get(pk=token_id)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def _first_role(user_ref: str) -> Subquery:
    """The name of the user's first role group in the order of `Role`, as a subquery on the
    outer query's `user_ref` column (the access matrix asks for the role on every request, so it
    comes in the same query as the user)."""
    return Subquery(
        Group.objects.filter(user=OuterRef(user_ref), name__in=Role.values)
        .annotate(
            rank=Case(
                *(When(name=role.value, then=rank) for rank, role in enumerate(Role)), default=len(Role)
            )
        )
        .order_by("rank")
        .values("name")[:1]
    )


def _live_token(key_hash: str):
    """The live token with its active user, the user's department and role, as one `.values()`
    row. The role is the user's first role group in the order of `Role`."""
    return (
        ApiToken.objects.filter(key_hash=key_hash, revoked_at__isnull=True, user__is_active=True)
        .annotate(user_role=_first_role("user_id"))
        .order_by("pk")
        .values(
            *columns(ApiToken),
            *columns(User, "user__"),
            *columns(Department, "user__department__"),
            "user_role",
        )[:1]
    )


# Every API request starts here: compiled once, run with each token's hash (calldesk.prepared).
LIVE_TOKEN = Prepared(_live_token, key_hash="prepared:no-such-token-hash")


def authenticate_api_token(*, raw_token: str) -> User | None:
    """The active user behind a live token, or None. Records the token's last use. One query
    (two when the last use is written, at most once a minute)."""
    if not raw_token.startswith(TOKEN_PREFIX) or len(raw_token) > 100:
        return None
    rows = LIVE_TOKEN.run(key_hash=hash_token(raw_token))
    if not rows:
        return None
    token = model_from_row(ApiToken, rows[0])
    user = model_from_row(User, rows[0], "user__")
    user.department = model_from_row(Department, rows[0], "user__department__")
    user.remember_role(rows[0]["user_role"])
    token.user = user
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= TOKEN_TOUCH_INTERVAL:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def _session_user(user_id: int):
    """A signed-in person as every screen reads them: the user, their department and their role,
    as one `.values()` row (as the API's token lookup reads its user)."""
    return (
        User.objects.filter(pk=user_id)
        .annotate(user_role=_first_role("pk"))
        .values(*columns(User), *columns(Department, "department__"), "user_role")[:1]
    )


# Every screen's request starts here (staff.backends): compiled once, run with each user's id.
SESSION_USER = Prepared(_session_user, user_id=-190102031)


def session_user(*, user_id: int) -> User | None:
    """The user a session names, with department and role, in one query; None if there is none."""
    rows = SESSION_USER.run(user_id=user_id)
    if not rows:
        return None
    user = model_from_row(User, rows[0])
    user.department = model_from_row(Department, rows[0], "department__")
    user.remember_role(rows[0]["user_role"])
    return user


@transaction.atomic
def set_role(*, user: User, role: Role | str) -> User:
    """Make `role` the user's only role group; admins also get Django admin access."""
    role = Role(role)
    role_groups = Group.objects.filter(name__in=Role.values)
    user.groups.remove(*role_groups)
    user.groups.add(Group.objects.get(name=role.value))
    # Admin access: commercial edits the price list there, finance imports receivables and sets
    # credit limits there; what each may touch is the role group's permissions (migrations).
    user.is_staff, user.is_superuser = admin_site_access(role.value)
    user.save(update_fields=["is_staff", "is_superuser"])
    user.__dict__.pop("_role_cache", None)
    return user


@transaction.atomic
def create_staff(
    *,
    username: str,
    full_name: str,
    role: Role | str,
    department_code: str | None,
    password: str | None,
    email: str = "",
    key_account: bool = False,
) -> User:
    """Create a member of staff with their role and department; a head of a department that has
    no head becomes its head (`head_headless_department`). Raises Conflict, InvalidInput."""
    if User.objects.filter(username=username).exists():
        raise Conflict(_("%(username)s already exists.") % {"username": username})
    department = Department.objects.filter(code=department_code).first() if department_code else None
    if department_code and department is None:
        raise InvalidInput(
            _("Unknown department %(code)s.") % {"code": department_code},
            errors=[FieldError(field="department", detail=_("Unknown department."))],
        )
    user = User(
        username=username,
        full_name=full_name,
        email=email,
        department=department,
        key_account=key_account,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    set_role(user=user, role=role)
    head_headless_department(user=user)
    return user


# --- Departments' heads and deputies (III.4, III.11, III.15, III.19) -------------------------------


def head_headless_department(*, user: User) -> bool:
    """Make a head of a department that has none its head (`heads_a_headless_department`), the
    rule of every door that creates staff (API, admin). One conditional UPDATE, so two heads
    created at once for one department cannot both become its head. True when it did."""
    if not heads_a_headless_department(user) or user.department_id is None:
        return False
    taken = (
        Department.objects.filter(pk=user.department_id, head__isnull=True)
        .exclude(deputy=user)
        .update(head=user)
    )
    return bool(taken)


def department_leaders(
    *, department: Department, head: str | None, deputy: str | None
) -> tuple[User | None, User | None]:
    """The people named as the department's head and deputy, checked: each an active member of
    staff who may lead it (`may_lead_department`), and two different people. Raises InvalidInput
    naming every field that fails."""
    names = {name for name in (head, deputy) if name}
    people = {
        person.username: person
        for person in User.objects.filter(username__in=names, is_active=True).prefetch_related("groups")
    }
    errors, chosen = [], {}
    for field, username in (("head", head), ("deputy", deputy)):
        person = people.get(username) if username else None
        chosen[field] = person
        if username and person is None:
            errors.append(
                FieldError(
                    field=field,
                    detail=_("No active member of staff is called %(username)s.")
                    % {"username": username[:150]},
                )
            )
        elif person is not None and not may_lead_department(person, department_id=department.pk):
            errors.append(
                FieldError(
                    field=field,
                    detail=_(
                        "%(name)s may not lead %(department)s: a head who works in it leads a "
                        "department (in finance, one of finance)."
                    )
                    % {"name": person, "department": department},
                )
            )
    if head and deputy and head == deputy:
        errors.append(FieldError(field="deputy", detail=_("The deputy is another person than the head.")))
    if errors:
        raise InvalidInput(
            _("The head and the deputy of %(department)s were not changed.") % {"department": department},
            errors=errors,
        )
    return chosen["head"], chosen["deputy"]


@transaction.atomic
def set_department_heads(*, actor: User, code: str, head: str | None, deputy: str | None) -> Department:
    """Name a department's head and deputy (None: nobody), both at once or neither: the row is
    locked, every name checked (`department_leaders`), then written. Admins only (API, admin).
    Raises Forbidden, DepartmentNotFound, InvalidInput."""
    if not may_set_department_heads(actor):
        raise Forbidden(_("Only an administrator names a department's head and deputy."))
    department = Department.objects.select_for_update().filter(code=code).first()
    if department is None:
        raise DepartmentNotFound()
    department.head, department.deputy = department_leaders(department=department, head=head, deputy=deputy)
    department.save(update_fields=["head", "deputy"])
    return department


# --- Presence ------------------------------------------------------------------------------------


@transaction.atomic
def set_presence(*, actor: User, username: str, presence: str) -> User:
    """Set someone's presence: the person, a head of their department, an admin, or the telephone
    exchange (a token whose user has the `set_any_presence` permission)."""
    if presence not in User.Presence.values:
        raise InvalidInput(
            _("Presence is one of: available, busy, absent."),
            errors=[FieldError(field="status", detail=_("One of: available, busy, absent."))],
        )
    person = User.objects.select_for_update().filter(username=username, is_active=True).first()
    if person is None:
        raise StaffNotFound()
    # the exchange's permission is asked only when the person and role alone do not let in
    allowed = may_set_presence(
        actor, person_id=person.pk, person_department_id=person.department_id, exchange=False
    ) or may_set_presence(
        actor,
        person_id=person.pk,
        person_department_id=person.department_id,
        exchange=actor.has_perm(EXCHANGE),
    )
    if not allowed:
        raise Forbidden(_("Only the person, their head or the telephone exchange sets presence."))
    if person.presence != presence:
        person.presence = presence
        person.presence_changed_at = timezone.now()
        person.save(update_fields=["presence", "presence_changed_at"])
        from calldesk import live

        live.publish(live.BOARD, live.BOARD_CHANGED)  # the live board shows each state (section VI)
    return person


# --- The person's language -------------------------------------------------------------------------


def language_codes() -> list[str]:
    """The codes a person may choose: settings.LANGUAGES ("Around the job": English, Russian,
    Romanian)."""
    return [code for code, _name in settings.LANGUAGES]


def set_language(*, user: User, language: str | None) -> User:
    """Set the language the desk speaks to `user`; "" or None follows their browser again.
    Raises InvalidInput for a code the desk does not speak."""
    code = (language or "").strip()
    if code and code not in language_codes():
        choices = ", ".join(language_codes())
        raise InvalidInput(
            _("The desk speaks these languages: %(choices)s.") % {"choices": choices},
            errors=[
                FieldError(
                    field="language",
                    detail=_("Unknown language %(code)s; one of: %(choices)s.")
                    % {"code": code[:20], "choices": choices},
                )
            ],
        )
    if user.language != code:
        user.language = code
        user.save(update_fields=["language"])
    return user


def set_opens_calls_at_once(*, user: User, at_once: bool) -> User:
    """Whether a call for `user` opens its screen at once, or waits in the screen pop for its key
    (III.1)."""
    if user.opens_calls_at_once != at_once:
        user.opens_calls_at_once = at_once
        user.save(update_fields=["opens_calls_at_once"])
    return user


@contextmanager
def in_language_of(person: User | None) -> Iterator[None]:
    """What the desk writes for one person to read later (the route an operator's screen pop
    shows, a transferred call's notice, a comment or a question for a head, a confirmed order for
    its manager: III.4, III.11, III.14, III.20) is written in that person's language ("Around the
    job": translatable interface), whoever's request writes it. A person who chose no language
    reads the language of that request."""
    code = person.language if person is not None else ""
    if code:
        with translation.override(code):
            yield
    else:
        yield
