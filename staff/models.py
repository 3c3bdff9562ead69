"""Who is who at the company: staff, their roles and departments, presence, API tokens.

A person's role is the Django group they belong to (one of Role); groups are seeded by a
migration so that permissions can be granted to a role in admin. What each role and person may
do is decided in `staff.permissions`.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The roles of the integration API (API.md, "Reference codes")."""

    OPERATOR = "operator", _("Operator")
    MANAGER = "manager", _("Manager")
    HEAD = "head", _("Head of department")
    FINANCE = "finance", _("Finance")
    COMMERCIAL = "commercial", _("Commercial management")
    ADMIN = "admin", _("Administrator")


# The names the reference migrations seed, marked for the catalogues (shown through __str__).
DEPARTMENT_NAMES = (
    gettext_noop("Wholesale sales"),
    gettext_noop("Retail sales"),
    gettext_noop("Regional sales"),
    gettext_noop("Finance"),
    gettext_noop("Call center (sales support)"),
)


class Department(models.Model):
    """A department of the company (wholesale, retail, regional, finance, call center)."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    head = models.ForeignKey(
        "staff.User",
        verbose_name=_("head"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="headed_departments",
    )
    # Who stands in for the head when the head is not reachable: routes to the department's head
    # and the notices for its people (III.4, III.11, III.15, III.19). Set by
    # staff.services.set_department_heads, whatever the door.
    deputy = models.ForeignKey(
        "staff.User",
        verbose_name=_("deputy head"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deputised_departments",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(head__isnull=True)
                | models.Q(deputy__isnull=True)
                | ~models.Q(head=models.F("deputy")),
                name="department_deputy_is_not_the_head",
            )
        ]

    def __str__(self) -> str:
        """The name in the reader's language while it is the one the migrations seeded
        (departments); a name an admin wrote is shown as written."""
        return gettext(self.name)


class User(AbstractUser):
    """A member of staff: operator, manager, head, finance, commercial or admin."""

    class Presence(models.TextChoices):
        AVAILABLE = "available", _("Available")
        BUSY = "busy", _("Busy")
        ABSENT = "absent", _("Absent")

    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
    )
    key_account = models.BooleanField(
        _("key-account manager"), default=False, help_text=_("Serves key clients (III.4).")
    )
    presence = models.CharField(
        _("presence"), max_length=16, choices=Presence.choices, default=Presence.AVAILABLE
    )
    presence_changed_at = models.DateTimeField(_("presence changed at"), null=True, blank=True)
    # The language of the desk for this person ("Around the job": translatable interface); blank
    # follows the browser (Accept-Language), then LANGUAGE_CODE. calldesk.middleware reads it.
    language = models.CharField(
        _("language"),
        max_length=8,
        blank=True,
        choices=settings.LANGUAGES,
        help_text=_("The language of the desk's screens; blank: the browser's language."),
    )
    # The screen pop (III.1): the call screen opens by itself when a call for this person comes in,
    # instead of the pop waiting for its key.
    opens_calls_at_once = models.BooleanField(
        _("open calls at once"),
        default=False,
        help_text=_("A call for this person opens its screen at once, without a key."),
    )

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        permissions = [("set_any_presence", _("Can set anyone's presence (the telephone exchange)"))]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name()

    @property
    def role(self) -> str | None:
        """The user's role: the first role group they are in; a superuser without one is admin.

        Cached on the instance: screens ask for it several times per request.
        """
        if not hasattr(self, "_role_cache"):
            if not self.pk:
                names = set()
            elif "groups" in getattr(self, "_prefetched_objects_cache", {}):  # a list prefetched them
                names = {group.name for group in self.groups.all()}
            else:
                names = set(self.groups.values_list("name", flat=True))
            role = next((r.value for r in Role if r.value in names), None)
            if role is None and self.is_superuser:
                role = Role.ADMIN.value
            self._role_cache = role
        return self._role_cache

    def remember_role(self, group_name: str | None) -> None:
        """Set the role read with the user in one query (the API's token lookup), by the same
        rule as `role`: the first role group; a superuser without one is admin."""
        self._role_cache = group_name or (Role.ADMIN.value if self.is_superuser else None)

    def is_reachable(self) -> bool:
        """Only an available person counts as reachable (API.md, "Staff presence")."""
        return self.is_active and self.presence == self.Presence.AVAILABLE

    def is_present(self) -> bool:
        """At work: available or busy (on a call reads their inbox after it), not absent. A notice
        for someone who is not present is also sent to who stands in for them (staff.rules)."""
        return self.is_active and self.presence != self.Presence.ABSENT


class ApiToken(models.Model):
    """A bearer token for another system (exchange, accounting, warehouse) acting as a user.

    Only the SHA-256 of the token is stored: tokens are 256-bit random strings, so a plain
    hash is enough, and it lets a request find its token with one indexed lookup.
    """

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    prefix = models.CharField(_("prefix"), max_length=16, help_text=_("The token's first characters."))
    key_hash = models.CharField(_("hash"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    def is_active(self) -> bool:
        return self.revoked_at is None
