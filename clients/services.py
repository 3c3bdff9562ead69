"""Writes on staff and API tokens. Each service owns its transaction."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from clients.models import ApiToken, Department, Role, User

TOKEN_PREFIX = "cd_"  # noqa: S105 - a marker, not a secret
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


def authenticate_api_token(*, raw_token: str) -> User | None:
    """The active user behind a live token, or None. Records the token's last use."""
    if not raw_token.startswith(TOKEN_PREFIX) or len(raw_token) > 100:
        return None
    token = (
        ApiToken.objects.select_related("user", "user__department")
        .filter(key_hash=hash_token(raw_token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= TOKEN_TOUCH_INTERVAL:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def set_role(*, user: User, role: Role | str) -> User:
    """Make `role` the user's only role group; admins also get Django admin access."""
    role = Role(role)
    role_groups = Group.objects.filter(name__in=Role.values)
    user.groups.remove(*role_groups)
    user.groups.add(Group.objects.get(name=role.value))
    is_admin = role == Role.ADMIN
    user.is_staff = is_admin or role == Role.COMMERCIAL  # commercial edits the price list in admin
    user.is_superuser = is_admin
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
    """Create a member of staff with their role and department."""
    department = Department.objects.get(code=department_code) if department_code else None
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
    return user
