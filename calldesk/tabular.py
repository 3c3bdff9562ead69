"""Reading an uploaded CSV or XLSX table: the one reader behind every file import of the desk
(receivables from accounting, the price list).

`read_table(file, filename, error=...)` gives the rows as lists of text cells, header first,
blank rows at the end dropped and blank rows in between kept (so row numbers match the file).
Anything it cannot read raises `error` (an InvalidInput subclass) with a sentence for the user.

The files are what 1C and Excel write, Russian ones included (DOMAIN.md, "Around the job"), and
the person never says which: a CSV is UTF-8 (with or without BOM) or Windows-1251, separated by
commas, semicolons or tabs; an XLSX has text, number and date cells. The cells' notation
(decimal commas, dd.mm.yyyy) is read by the services with `calldesk.parsing.FILE_CELLS`.

`FileImport` describes one import once (how its file becomes rows, the service that writes them,
the words for its result); `calldesk.importing` serves it in the admin and as a command.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, BinaryIO

from django.utils.translation import gettext as _

from calldesk.errors import FieldError, InvalidInput
from calldesk.exporting import unguarded
from calldesk.parsing import FILE_CELLS
from calldesk.search import normalise


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


DELIMITERS = (",", ";", "\t")  # in this order when the header splits as well by several


def _csv_table(data: bytes, error: type[InvalidInput]) -> list[list[str]]:
    text = csv_text(data, error)
    delimiter = csv_delimiter(text.split("\n", 1)[0])
    try:
        rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        return [[unguarded(cell.strip()) for cell in cells] for cells in rows]
    except csv.Error as exc:
        raise error(_("The CSV file cannot be read: %(error)s") % {"error": exc}) from None


def csv_text(data: bytes, error: type[InvalidInput]) -> str:
    """A CSV file's text: UTF-8 if the bytes are valid UTF-8 (a BOM dropped), else Windows-1251.

    A strict rule rather than a guess (charset-normalizer and the like): the desk's files come
    from 1C and Excel, which write UTF-8 or, in Russian, Windows-1251, and Cyrillic in
    Windows-1251 is never valid UTF-8 (its letters are bytes 0xC0-0xFF, which UTF-8 allows only
    as the lead of a sequence whose next byte is 0x80-0xBF). So the answer is certain, the same
    for every file, and a short file is never misread as another Cyrillic code page."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise error(_("The CSV file is UTF-16 text. Save it as CSV UTF-8 or as CSV (Windows-1251)."))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1251")
    except UnicodeDecodeError:  # only byte 0x98 is undefined in Windows-1251
        raise error(_("The CSV file is neither UTF-8 nor Windows-1251 text. Save it as CSV UTF-8.")) from None


def csv_delimiter(header: str) -> str:
    """The separator of a CSV file: the one that splits its header (names only, never numbers
    with a decimal comma) into the most columns, quotes respected."""
    widths = {delimiter: len(next(csv.reader([header], delimiter=delimiter), [])) for delimiter in DELIMITERS}
    return max(DELIMITERS, key=lambda delimiter: widths[delimiter])  # the first of the widest


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


# Excel keeps numbers to 15 significant digits (its documented precision); openpyxl hands them
# over as binary floats, whose artefacts lie beyond that: 189.89999999999998 is Excel's 189.9.
EXCEL_DIGITS = 15


def cell_text(value: Any) -> str:
    """A cell as the text the services parse. A number is the decimal Excel holds (15
    significant digits), never a float artefact: 189.9 stays "189.9", 0.1 + 0.2 is "0.3", and a
    number with more places than money has is refused by the money parser, not rounded."""
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
        # NaN and infinity come out as text the services reject.
        return format(Decimal(format(value, f".{EXCEL_DIGITS}g")).normalize(), "f")
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


def header_key(title: str) -> str:
    """A header cell as titles are compared: case (every alphabet), ё as е, spaces, quotes and
    punctuation ignored, by the desk's one folding rule (`calldesk.search.normalise`); so
    "ИНН:", " Дата  документа " and "Срок оплаты." are the titles they look like."""
    return normalise(title)


class HeaderTitles:
    """The titles a file's header may give each field of one import, in one place: the field's
    own code (what the desk exports) and the column titles 1C and Russian Excel write
    (DOMAIN.md, "Around the job"). A title names one field only."""

    def __init__(self, titles: Mapping[str, Sequence[str]]) -> None:
        self.titles: dict[str, list[str]] = {}
        self._fields: dict[str, str] = {}
        for field, names in titles.items():
            self.add(field, [field, *names])

    def add(self, field: str, names: Iterable[str]) -> None:
        """Accept `names` for `field` too (a title another field already has stays that field's)."""
        titles = self.titles.setdefault(field, [])
        for name in names:
            key = header_key(name)
            if key and self._fields.setdefault(key, field) == field and name not in titles:
                titles.append(name)

    def field(self, title: str) -> str | None:
        """The field a header cell names, or None."""
        return self._fields.get(header_key(title))

    def accepted(self, fields: Iterable[str] | None = None) -> str:
        """The accepted titles of `fields` (all by default), for an error: "sku / Артикул, ..."."""
        chosen = self.titles if fields is None else fields
        return ", ".join(" / ".join(self.titles[field]) for field in chosen)


@dataclass(frozen=True)
class FileImport:
    """One file import: the same for the admin's upload and the command line."""

    read: Callable[[BinaryIO, str], list]  # (file, filename) -> the rows `write` takes
    write: Callable[..., Any]  # (rows=, actor=, first_row=, notation=) -> a result; all or nothing
    header: Callable[[], Sequence[str]]  # the columns the file may have, for the help
    done: str  # what happened, for the admin: "Receivables imported"
    summary: Callable[[Any], str]  # the result in words: "created 2, updated 0"

    def run(self, file: BinaryIO, filename: str, *, actor) -> Any:
        """Read the file and write its rows (row 1 is the first after the header), its cells read
        as a file writes them (decimal commas, dd.mm.yyyy). Raises the service's DeskErrors: the
        reader's or the service's InvalidInput lists every bad row."""
        return self.write(rows=self.read(file, filename), actor=actor, first_row=1, notation=FILE_CELLS)


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
