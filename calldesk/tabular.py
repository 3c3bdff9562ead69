"""Reading an uploaded CSV or XLSX table: the one reader behind every file import of the desk
(receivables from accounting, the price list).

`read_table(file, filename, error=...)` gives the rows as lists of text cells, header first,
blank rows at the end dropped and blank rows in between kept (so row numbers match the file).
Anything it cannot read raises `error` (an InvalidInput subclass) with a sentence for the user.

`FileImport` describes one import once (how its file becomes rows, the service that writes them,
the words for its result); `calldesk.importing` serves it in the admin and as a command.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, BinaryIO

from django.utils.translation import gettext as _

from calldesk.errors import FieldError, InvalidInput
from calldesk.exporting import unguarded


def read_table(file: BinaryIO, filename: str, *, error: type[InvalidInput], what: str) -> list[list[str]]:
    """The table of a .csv or .xlsx upload. `what` names one data row ("receivable", "product")."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension == "csv":
        table = _csv_table(file.read(), error)
    elif extension == "xlsx":
        table = _xlsx_table(file.read(), error)
    else:
        raise error(_("Upload a .csv or .xlsx file (%(name)s is neither).") % {"name": filename})
    while table and not any(table[-1]):
        table.pop()
    if not table:
        message = _("The file is empty: it needs a header row and then one row per %(what)s.")
        raise error(message % {"what": what})
    return table


def _csv_table(data: bytes, error: type[InvalidInput]) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise error(_("The CSV file is not UTF-8 text. Save it as CSV UTF-8.")) from None
    first_line = text.split("\n", 1)[0]
    # The header holds only names, so whichever separator it uses is the delimiter.
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        rows = csv.reader(io.StringIO(text), delimiter=delimiter)
        return [[unguarded(cell.strip()) for cell in cells] for cells in rows]
    except csv.Error as exc:
        raise error(_("The CSV file cannot be read: %(error)s") % {"error": exc}) from None


def _xlsx_table(data: bytes, error: type[InvalidInput]) -> list[list[str]]:
    from openpyxl import load_workbook  # only the file doors need it

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds (zip, XML, key errors) for a damaged file
        raise error(_("The file is not a valid XLSX workbook.")) from None
    try:
        sheet = workbook.worksheets[0]
        return [[cell_text(value) for value in cells] for cells in sheet.iter_rows(values_only=True)]
    except Exception:
        raise error(_("The XLSX workbook cannot be read.")) from None
    finally:
        workbook.close()


def cell_text(value: Any) -> str:
    """A cell as the text the services parse; numbers through their shortest exact repr."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        if value.is_integer():  # a tax id, a pack or a round amount typed as a number: 10, not 10.0
            return str(int(value))
        # repr is the shortest text that reads back as the same float: 9.5, not 9.4999...;
        # NaN and infinity come out as text the services reject.
        return format(Decimal(repr(value)), "f")
    return str(value).strip()


def is_blank(value: Any) -> bool:
    """A missing cell or field: None, or text of spaces only."""
    return value is None or (isinstance(value, str) and not value.strip())


def key_text(row: Any, name: str) -> str | None:
    """A row's key field (a document, a tax id, a SKU) as text, or None when missing or not text."""
    value = row.get(name) if isinstance(row, dict) else None
    if isinstance(value, str | int) and not isinstance(value, bool):
        return str(value).strip() or None
    return None


@dataclass(frozen=True)
class FileImport:
    """One file import: the same for the admin's upload and the command line."""

    read: Callable[[BinaryIO, str], list]  # (file, filename) -> the rows `write` takes
    write: Callable[..., Any]  # (rows=, actor=, first_row=) -> a result; all or nothing
    header: Callable[[], Sequence[str]]  # the columns the file may have, for the help
    done: str  # what happened, for the admin: "Receivables imported"
    summary: Callable[[Any], str]  # the result in words: "created 2, updated 0"

    def run(self, file: BinaryIO, filename: str, *, actor) -> Any:
        """Read the file and write its rows (row 1 is the first after the header). Raises the
        service's DeskErrors: the reader's or the service's InvalidInput lists every bad row."""
        return self.write(rows=self.read(file, filename), actor=actor, first_row=1)


class BatchKeys:
    """The keys (a document, a SKU) of one all-or-nothing batch of rows: the row each key is
    first in, and an error naming that row for any later row with the same key."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message  # with %(key)s and %(row)s
        self.first_row: dict[str, int] = {}

    def repeated(self, key: str | None, index: int, errors: list[FieldError]) -> bool:
        """True (and an error in `errors`) when `key` is already in an earlier row."""
        if key is not None and key in self.first_row:
            errors.append(
                FieldError(self.field, self.message % {"key": key, "row": self.first_row[key]}, index)
            )
            return True
        if key:
            self.first_row[key] = index
        return False

    @property
    def keys(self) -> list[str]:
        return list(self.first_row)
