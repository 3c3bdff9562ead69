"""Errors of the staff services (API.md: the one error body)."""

from django.utils.translation import gettext_lazy as _

from calldesk.errors import NotFound


class StaffNotFound(NotFound):
    default_detail = _("No such member of staff.")


class DepartmentNotFound(NotFound):
    default_detail = _("No such department.")
