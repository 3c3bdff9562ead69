"""Errors of the clients area. Each carries its API code; the API turns it into API.md's body."""

from django.utils.translation import gettext_lazy as _

from calldesk.errors import DeskError, InvalidInput, NotFound


class ClientNotFound(NotFound):
    default_detail = _("No such client.")


class DuplicateClient(DeskError):
    """A tax id or a phone that another client already has (API.md: 409 conflict)."""

    code = "conflict"
    status = 409


class InvalidClientData(InvalidInput):
    pass


class InvalidImport(InvalidInput):
    """A bulk import with bad rows: nothing was written; `errors` lists every bad row."""

    default_detail = _("Nothing was imported: some rows are not valid.")
