"""Tables as files for heads and admins, in the formats of `EXPORT_FORMATS`: CSV (UTF-8 with BOM,
comma, CRLF), CSV for Excel (semicolon, UTF-8 with BOM, decimal comma, dd.mm.yyyy: what Excel in
Russian, whose list separator is the semicolon, opens in columns) and XLSX. Client data leaves the
desk only through these, and only for heads and admins (III.26).

Cells are typed freely on the desk (a client's name, a survey answer, a product's name): a cell
a spreadsheet would run as a formula is written as text, in every format, by every file the desk
writes (`as_text` for a sheet laid out by hand). The desk's own reader (`calldesk.tabular`) takes
such a CSV cell back as it was typed (`unguarded`), so an exported price list imports unchanged.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from calldesk.errors import FieldError, InvalidInput

# What a spreadsheet takes for the start of a formula (OWASP, "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SHEET_TITLE_FORBIDDEN = "[]:*?/\\"


@dataclass(frozen=True)
class ExportFormat:
    """A file format a table is exported in."""

    code: str  # in URLs and forms: "csv", "csv-excel", "xlsx"
    label: str | Promise  # for the person choosing
    extension: str
    content_type: str


CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_FORMATS = {
    "csv": ExportFormat("csv", "CSV", "csv", CSV_TYPE),
    "csv-excel": ExportFormat(
        "csv-excel", gettext_lazy("CSV for Excel (semicolons, decimal commas)"), "csv", CSV_TYPE
    ),
    "xlsx": ExportFormat("xlsx", "XLSX", "xlsx", XLSX_TYPE),
}


def export_format(code: str) -> ExportFormat:
    """The format of `code`; InvalidInput naming the formats for any other."""
    if code not in EXPORT_FORMATS:
        codes = ", ".join(EXPORT_FORMATS)
        raise InvalidInput(
            _("Export as one of: %(codes)s.") % {"codes": codes},
            errors=[FieldError("format", _("Expected one of: %(codes)s.") % {"codes": codes})],
        )
    return EXPORT_FORMATS[code]


def table_bytes(code: str, header: Sequence[Any], rows: Iterable[Sequence[Any]], *, title: str) -> bytes:
    """The table as a file in the format `code` (see `EXPORT_FORMATS`); `title` names an XLSX
    sheet. Raises InvalidInput for an unknown format."""
    fmt = export_format(code).code
    if fmt == "xlsx":
        return xlsx_bytes(header, rows, title=title)
    return csv_bytes(header, rows, excel=fmt == "csv-excel")


def safe_csv_cell(value: Any, *, excel: bool = False) -> str:
    """A value as the text of a CSV cell. Text that would start a formula gets a leading
    apostrophe, so a spreadsheet shows it as typed and never runs it; numbers and dates we
    format ourselves are written as they are (a negative number stays a number). `excel`:
    as Russian Excel reads them, a decimal comma and dd.mm.yyyy."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal | int | float):
        return str(value).replace(".", ",") if excel else str(value)
    if isinstance(value, datetime):
        return value.strftime("%d.%m.%Y %H:%M:%S") if excel else value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y") if excel else value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def unguarded(text: str) -> str:
    """A CSV cell as it was typed, without the apostrophe `safe_csv_cell` put before a formula."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


def csv_bytes(header: Sequence[Any], rows: Iterable[Sequence[Any]], *, excel: bool = False) -> bytes:
    """The table as CSV: UTF-8 with a BOM (so Excel reads Cyrillic right), comma, CRLF. `excel`:
    semicolons, decimal commas and dd.mm.yyyy, which Excel in Russian opens in columns (its list
    separator is the semicolon, its decimal mark the comma). `rows` may be a generator; it is
    read once, row by row."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";" if excel else ",", lineterminator="\r\n")
    writer.writerow([safe_csv_cell(cell, excel=excel) for cell in header])
    for cells in rows:
        writer.writerow([safe_csv_cell(cell, excel=excel) for cell in cells])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def sheet_title(title: str) -> str:
    """A worksheet name Excel accepts: no []:*?/\\, at most 31 characters."""
    cleaned = "".join(ch for ch in title if ch not in SHEET_TITLE_FORBIDDEN)[:31]
    return cleaned or _("Results")[:31]


def xlsx_bytes(header: Sequence[Any], rows: Iterable[Sequence[Any]], *, title: str) -> bytes:
    """The table as an XLSX workbook of one sheet, the header frozen. Numbers and dates stay
    numbers and dates (money with two decimal places); text that openpyxl would store as a
    formula is stored as text. `rows` may be a generator; it is read once, row by row."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title(title)
    sheet.append(list(header))
    as_text(sheet[1])
    for cells in rows:
        sheet.append(list(cells))
        written = sheet[sheet.max_row]
        as_text(written)
        for cell, value in zip(written, cells, strict=False):
            if isinstance(value, Decimal):
                cell.number_format = "0.00"
            elif isinstance(value, date) and not isinstance(value, datetime):
                cell.number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "B2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def as_text(cells) -> None:
    """Cells openpyxl took for formulas (text typed with a leading "=") are stored as text."""
    for cell in cells:
        if cell.data_type == "f":  # text typed with a leading "=" stays text
            cell.data_type = "s"
