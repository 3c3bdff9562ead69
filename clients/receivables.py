"""Receivables imported from accounting (API.md, "Receivables"; III.5 reads them for the debt check).

One service, three doors: `PUT /api/v1/receivables`, the admin's file upload and
`manage.py import_receivables FILE`. The doors turn their input into a list of loosely typed
rows (dicts of strings, or JSON values); `import_receivables` validates every row, reports every
bad one, and writes all rows or none.

Row numbers in errors: the API reports the JSON array index (the first row is 0); the file doors
report data rows, where row 1 is the first row after the header (`first_row=1`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, BinaryIO

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext as _

from calldesk.errors import DeskError, FieldError
from calldesk.parsing import CANONICAL, Notation, parse_text
from calldesk.tabular import BatchKeys, FileImport, HeaderTitles, is_blank, key_text, read_table
from clients.exceptions import InvalidImport
from clients.models import Client, Receivable
from staff.models import Role, User
from staff.permissions import require_role

FIELDS = ("document", "client_tax_id", "issued_on", "due_on", "amount", "paid")
REQUIRED_FIELDS = ("document", "client_tax_id", "issued_on", "due_on", "amount")
UPDATED_FIELDS = ["issued_on", "due_on", "amount", "paid"]
# The header's titles of each field (any case, ё as е, punctuation ignored): the code the desk
# writes, and what accounting's 1C and Russian Excel title a receivables report with (III.5: the
# debt comes from accounting's file).
HEADER = HeaderTitles(
    {
        "document": ["Документ", "Номер документа", "№ документа", "Номер"],
        "client_tax_id": ["ИНН", "ИНН клиента", "ИНН контрагента"],
        "issued_on": ["Дата", "Дата документа"],
        "due_on": ["Срок оплаты", "Оплатить до"],
        "amount": ["Сумма", "Сумма документа"],
        "paid": ["Оплачено", "Сумма оплаты"],
    }
)

# Receivable.amount and .paid are DecimalField(max_digits=14, decimal_places=2).
MONEY_LIMIT = Decimal(10) ** 12
DOCUMENT_MAX_LENGTH = Receivable._meta.get_field("document").max_length


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int


@dataclass(frozen=True)
class _ValidRow:
    index: int  # the row number to report
    document: str
    client_tax_id: str
    issued_on: date
    due_on: date
    amount: Decimal
    paid: Decimal


def import_receivables(
    *, rows: list[dict], actor: User | None, first_row: int = 0, notation: Notation = CANONICAL
) -> ImportResult:
    """Upsert receivables by `document`, all or nothing, in a constant number of queries.

    `actor` must be finance or admin; None is the command line, whose user already has the
    server. `first_row` is the number reported for `rows[0]` (0 for the API, 1 for a file);
    `notation` how the rows write money and dates (the API's, or a file's with decimal commas).
    Counts as updated only rows whose values changed, so importing the same data twice changes
    nothing. Locks the existing receivables it reads (in pk order). Raises Forbidden,
    InvalidImport (listing every bad row; nothing written), or DeskError (409) when another
    import created one of the documents at the same time.
    """
    if actor is not None:
        require_role(actor, Role.FINANCE)
    try:
        return _upsert(rows=rows, first_row=first_row, notation=notation)
    except IntegrityError as exc:
        # Validation leaves only the unique document to race on: a concurrent import inserted
        # one of our new documents between our read and our insert.
        raise DeskError(
            _("Another import wrote some of these receivables at the same time. Send the data again.")
        ) from exc


@dataclass(frozen=True)
class _Keys:
    """A row's document and tax id as text, checked against the batch and the database even when
    the row's other fields are bad, so that one answer names every problem."""

    index: int
    document: str | None
    tax_id: str | None
    repeated: bool


@transaction.atomic
def _upsert(*, rows: list[dict], first_row: int, notation: Notation) -> ImportResult:
    errors: list[FieldError] = []
    keys: list[_Keys] = []
    valid: dict[int, _ValidRow] = {}
    documents = BatchKeys("document", _("Document %(key)s is already in row %(row)s of this import."))
    for position, raw in enumerate(rows):
        index = first_row + position
        document, tax_id = key_text(raw, "document"), key_text(raw, "client_tax_id")
        repeated = documents.repeated(document, index, errors)
        keys.append(_Keys(index=index, document=document, tax_id=tax_id, repeated=repeated))
        row = _parse_row(raw, index=index, errors=errors, notation=notation)
        if row is not None:
            valid[index] = row

    client_ids = dict(
        Client.objects.filter(tax_id__in={k.tax_id for k in keys if k.tax_id})
        .order_by()
        .values_list("tax_id", "pk")
    )
    existing = {
        receivable.document: receivable
        for receivable in Receivable.objects.select_for_update(of=("self",))
        .filter(document__in=documents.keys)
        .annotate(client_tax_id=F("client__tax_id"))
        .order_by("pk")
    }

    to_create: list[Receivable] = []
    to_update: list[Receivable] = []
    for key in keys:
        client_id = client_ids.get(key.tax_id)
        if key.tax_id and client_id is None:
            errors.append(
                FieldError(
                    "client_tax_id",
                    _("No client has the tax id %(tax_id)s.") % {"tax_id": key.tax_id},
                    key.index,
                )
            )
        receivable = existing.get(key.document)
        if receivable is not None and client_id is not None and receivable.client_id != client_id:
            errors.append(
                FieldError(
                    "client_tax_id",
                    _(
                        "Document %(document)s belongs to the client with tax id %(tax_id)s; "
                        "a receivable never moves to another client."
                    )
                    % {"document": key.document, "tax_id": receivable.client_tax_id},
                    key.index,
                )
            )
            continue
        row = valid.get(key.index)
        if row is None or client_id is None or key.repeated:
            continue
        if receivable is None:
            to_create.append(
                Receivable(
                    client_id=client_id,
                    document=row.document,
                    issued_on=row.issued_on,
                    due_on=row.due_on,
                    amount=row.amount,
                    paid=row.paid,
                )
            )
        elif _apply(receivable, row):
            to_update.append(receivable)

    if errors:
        # A stable sort: within a row, errors keep the order they were found in.
        raise InvalidImport(errors=sorted(errors, key=lambda error: error.row or 0))
    if to_create:
        Receivable.objects.bulk_create(to_create)
    if to_update:
        Receivable.objects.bulk_update(to_update, UPDATED_FIELDS)
    return ImportResult(created=len(to_create), updated=len(to_update))


def _apply(receivable: Receivable, row: _ValidRow) -> bool:
    """Copy the row's values onto the receivable; True if any of them changed."""
    changed = False
    for name in UPDATED_FIELDS:
        value = getattr(row, name)
        if getattr(receivable, name) != value:
            setattr(receivable, name, value)
            changed = True
    return changed


def _parse_row(row: Any, *, index: int, errors: list[FieldError], notation: Notation) -> _ValidRow | None:
    """The row's values, or None after adding an error for each bad field."""
    if not isinstance(row, dict):
        errors.append(FieldError("", _("Each row must be an object with the receivable's fields."), index))
        return None
    if all(is_blank(row.get(name)) for name in FIELDS):
        errors.append(FieldError("", _("The row is empty."), index))
        return None
    row_errors: list[FieldError] = []

    def fail(field: str, detail: str) -> None:
        row_errors.append(FieldError(field, detail, index))

    values: dict[str, Any] = {}
    for name in FIELDS:
        raw = row.get(name)
        if is_blank(raw):
            if name in REQUIRED_FIELDS:
                fail(name, _("This field is required."))
            else:
                values[name] = Decimal("0.00")
            continue
        try:
            if name in {"document", "client_tax_id"}:
                values[name] = parse_text(raw)
            elif name in {"issued_on", "due_on"}:
                values[name] = notation.date(raw)
            else:
                values[name] = notation.money(raw, limit=MONEY_LIMIT)
        except ValueError as exc:
            fail(name, str(exc))

    document = values.get("document")
    if document is not None and len(document) > DOCUMENT_MAX_LENGTH:
        fail("document", _("At most %(count)d characters.") % {"count": DOCUMENT_MAX_LENGTH})
    issued_on, due_on = values.get("issued_on"), values.get("due_on")
    if issued_on is not None and due_on is not None and due_on < issued_on:
        fail("due_on", _("The due date is before the issue date."))

    if row_errors:
        errors.extend(row_errors)
        return None
    return _ValidRow(index=index, **values)


# --- files -------------------------------------------------------------------------------------


def read_receivables_file(file: BinaryIO, filename: str) -> list[dict]:
    """The data rows of a CSV or XLSX file, as dicts of strings keyed by the header's field names.

    The first row is the header: each field by its code or a title 1C writes (`HEADER`; any order,
    any case; `paid` may be left out; other columns are ignored). CSV: UTF-8 with or without BOM
    or Windows-1251, comma, semicolon or tab, decimal commas and dd.mm.yyyy dates
    (`calldesk.tabular`). XLSX: the first sheet; dates and numbers in
    cells are turned into the strings the service expects. Blank rows at the end
    are dropped; a blank row in between is kept, so that row numbers match the file (row 1 is
    the first row after the header). Raises InvalidImport for a file it cannot read.
    """
    table = read_table(file, filename, error=InvalidImport, what=gettext("receivable"))
    columns = _columns(table[0])
    return [
        {name: (cells[position] if position < len(cells) else "") for name, position in columns.items()}
        for cells in table[1:]
    ]


def _columns(header: list[str]) -> dict[str, int]:
    """Field name -> column position, from the header row."""
    columns: dict[str, int] = {}
    errors = []
    for position, title in enumerate(header):
        name = HEADER.field(title)
        if name is None:
            continue
        if name in columns:
            errors.append(FieldError(name, _("The header has the column %(name)s twice.") % {"name": name}))
        columns[name] = position
    errors += [
        FieldError(name, _("The header has no column %(name)s.") % {"name": name})
        for name in REQUIRED_FIELDS
        if name not in columns
    ]
    if errors:
        raise InvalidImport(
            _("The first row must name the columns: %(names)s.") % {"names": HEADER.accepted()},
            errors=errors,
        )
    return columns


RECEIVABLES_FILE = FileImport(
    read=read_receivables_file,
    write=import_receivables,
    header=lambda: FIELDS,
    done=gettext_lazy("Receivables imported"),
    summary=lambda result: (
        _("created %(created)d, updated %(updated)d") % {"created": result.created, "updated": result.updated}
    ),
)
