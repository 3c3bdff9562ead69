"""The price list (API.md, "Catalog and prices"; III.7, III.10): products by SKU with their price
in every column, specials and discount rules.

One upsert, three doors: `PUT /api/v1/price-list`, the admin's file upload and
`manage.py import_price_list FILE`. The doors turn their input into a list of loosely typed rows;
`upsert_price_list` validates every row, reports every bad one, and writes all rows or none.
Every price it changes (and every single edit through `set_price` or `remove_price`) leaves a
`PriceChange` row: who, when, old, new, and from where.

A row: `{"sku", "name", "unit", "pack", "category", "active", "new_until", "prices": {"base":
"10.00", "<column code>": "9.50"}}`. `sku`, `name` and a `base` price are required. A product
field left out keeps its value (a new product gets the default); a price column left out keeps
its price, and a column given as null (a blank cell in a file) removes it. `base` is never removed.

Row numbers in errors: the API reports the JSON array index (the first row is 0); the file doors
report data rows, where row 1 is the first row after the header (`first_row=1`).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, BinaryIO

from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from calldesk.access import require_role
from calldesk.errors import DeskError, FieldError, InvalidInput, NotFound
from calldesk.tabular import is_blank, key_text, read_table
from clients.models import ClientType
from orders.exceptions import InvalidPriceList, ProductNotFound
from orders.models import DiscountRule, Price, PriceChange, PriceColumn, Product, RuleChange, Special
from staff.models import Role, User

BASE = "base"
PRODUCT_FIELDS = ("sku", "name", "unit", "pack", "category", "active", "new_until")
UPDATED_FIELDS = ["name", "unit", "pack", "category", "active", "new_until"]
REQUIRED_HEADER = ("sku", "name", BASE)

CENT = Decimal("0.01")
# Price.amount is DecimalField(max_digits=12, decimal_places=2); DiscountRule.min_subtotal has 14.
PRICE_LIMIT = Decimal(10) ** 10
SUBTOTAL_LIMIT = Decimal(10) ** 12
PACK_LIMIT = 1_000_000
MAX_LENGTH = {name: Product._meta.get_field(name).max_length for name in ("sku", "name", "unit", "category")}
NOTE_MAX_LENGTH = Special._meta.get_field("note").max_length
RULE_NAME_MAX_LENGTH = DiscountRule._meta.get_field("name").max_length
# Plain decimal notation only: no exponent, no NaN/Infinity, no digit separators.
DECIMAL_PATTERN = re.compile(r"[+-]?\d+(\.\d+)?")
DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")
TRUE_WORDS = {"true", "1", "yes", "y"}
FALSE_WORDS = {"false", "0", "no", "n"}


class Source:
    """Where a change came from (`PriceChange.source`, `RuleChange.source`)."""

    ADMIN = "admin"
    API = "api"
    IMPORT = "import"


@dataclass(frozen=True)
class PriceListResult:
    created: int  # new products
    updated: int  # existing products whose fields or prices changed
    prices_changed: int  # PriceChange rows written


@dataclass(frozen=True)
class _ValidRow:
    index: int  # the row number to report
    sku: str
    fields: dict[str, Any]  # the product fields the row gives, but the SKU (name always)
    prices: dict[str, Decimal | None]  # column code -> amount; None removes the price


# --- the upsert ----------------------------------------------------------------------------------


def upsert_price_list(*, rows: list, actor: User | None, source: str, first_row: int = 0) -> PriceListResult:
    """Upsert products by `sku` with their prices per column, all or nothing, in a constant number
    of queries.

    `actor` must be commercial or admin; None is the command line. `first_row` is the number
    reported for `rows[0]` (0 for the API, 1 for a file). Only what changed is written, so
    importing the same data twice changes nothing. Locks the existing products it reads (in pk
    order; `set_price` locks the product too). Raises Forbidden, InvalidPriceList (listing every
    bad row; nothing written), or DeskError (409) when another import created one of the
    products at the same time.
    """
    if actor is not None:
        require_role(actor, Role.COMMERCIAL)
    try:
        return _upsert(rows=rows, actor=actor, source=source, first_row=first_row)
    except IntegrityError as exc:
        # Validation leaves only the unique SKU (and product+column) to race on: a concurrent
        # import inserted one of our new products between our read and our insert.
        raise DeskError(
            _("Another import wrote some of these products at the same time. Send the data again.")
        ) from exc


@transaction.atomic
def _upsert(*, rows: list, actor: User | None, source: str, first_row: int) -> PriceListResult:
    columns = {column.code: column for column in PriceColumn.objects.order_by("position")}
    errors: list[FieldError] = []
    valid: list[_ValidRow] = []
    first_seen: dict[str, int] = {}  # sku -> the row it was first seen in
    for position, raw in enumerate(rows):
        index = first_row + position
        sku = key_text(raw, "sku")
        repeated = sku is not None and sku in first_seen
        if repeated:
            errors.append(
                FieldError(
                    "sku",
                    _("SKU %(sku)s is already in row %(row)s of this price list.")
                    % {"sku": sku, "row": first_seen[sku]},
                    index,
                )
            )
        elif sku:
            first_seen[sku] = index
        row = _parse_row(raw, index=index, columns=columns, errors=errors)
        if row is not None and not repeated:
            valid.append(row)
    if errors:
        # A stable sort: within a row, errors keep the order they were found in.
        raise InvalidPriceList(errors=sorted(errors, key=lambda error: error.row or 0))

    products = {
        product.sku: product
        for product in Product.objects.select_for_update(of=("self",))
        .filter(sku__in=list(first_seen))
        .order_by("pk")
    }
    current = {
        (price.product_id, price.column_id): price
        for price in Price.objects.filter(product__in=[product.pk for product in products.values()])
    }

    new_products: list[Product] = []
    changed_products: list[Product] = []
    new_prices: list[Price] = []
    changed_prices: list[Price] = []
    removed_prices: list[int] = []
    history: list[PriceChange] = []
    updated = 0
    for row in valid:
        product = products.get(row.sku)
        is_new = product is None
        if is_new:
            product = Product(sku=row.sku, **row.fields)
            new_products.append(product)
            fields_changed = False
        else:
            fields_changed = _apply(product, row.fields)
            if fields_changed:
                changed_products.append(product)
        history_before = len(history)
        for code, amount in row.prices.items():
            column = columns[code]
            price = None if is_new else current.get((product.pk, column.pk))
            if amount is None:
                if price is not None:
                    removed_prices.append(price.pk)
                    history.append(_change(product, column, price.amount, None, actor, source))
            elif price is None:
                new_prices.append(Price(product=product, column=column, amount=amount))
                history.append(_change(product, column, None, amount, actor, source))
            elif price.amount != amount:
                history.append(_change(product, column, price.amount, amount, actor, source))
                price.amount = amount
                changed_prices.append(price)
        if not is_new and (fields_changed or len(history) > history_before):
            updated += 1

    if new_products:
        Product.objects.bulk_create(new_products)  # sets their pks, read by the prices below
    if changed_products:
        Product.objects.bulk_update(changed_products, UPDATED_FIELDS)
    if removed_prices:
        Price.objects.filter(pk__in=removed_prices).delete()
    if changed_prices:
        Price.objects.bulk_update(changed_prices, ["amount"])
    if new_prices:
        Price.objects.bulk_create(new_prices)
    if history:
        PriceChange.objects.bulk_create(history)
    return PriceListResult(created=len(new_products), updated=updated, prices_changed=len(history))


def _change(
    product: Product,
    column: PriceColumn,
    old: Decimal | None,
    new: Decimal | None,
    actor: User | None,
    source: str,
) -> PriceChange:
    return PriceChange(
        product=product, column=column, old_amount=old, new_amount=new, changed_by=actor, source=source
    )


def _apply(product: Product, fields: dict[str, Any]) -> bool:
    """Copy the row's fields onto the product; True if any of them changed."""
    changed = False
    for name, value in fields.items():
        if getattr(product, name) != value:
            setattr(product, name, value)
            changed = True
    return changed


def _parse_row(
    row: Any, *, index: int, columns: dict[str, PriceColumn], errors: list[FieldError]
) -> _ValidRow | None:
    """The row's values, or None after adding an error for each bad field."""
    if not isinstance(row, dict):
        errors.append(FieldError("", _("Each row must be an object with the product's fields."), index))
        return None
    raw_prices = row.get("prices")
    if all(is_blank(row.get(name)) for name in PRODUCT_FIELDS) and (
        not raw_prices or (isinstance(raw_prices, dict) and all(map(is_blank, raw_prices.values())))
    ):
        errors.append(FieldError("", _("The row is empty."), index))
        return None
    row_errors: list[FieldError] = []

    def fail(field: str, detail: str) -> None:
        row_errors.append(FieldError(field, detail, index))

    fields: dict[str, Any] = {}
    for name in ("sku", "name"):
        if is_blank(row.get(name)):
            fail(name, _("This field is required."))
            continue
        try:
            fields[name] = _text(row[name], max_length=MAX_LENGTH[name])
        except ValueError as exc:
            fail(name, str(exc))
    # Optional fields: left out (or blank) keeps the product's value; a new product gets the default.
    parsers = {
        "unit": lambda value: _text(value, max_length=MAX_LENGTH["unit"]),
        "pack": _pack,
        "active": _boolean,
    }
    for name, parse in parsers.items():
        if not is_blank(row.get(name)):
            try:
                fields[name] = parse(row[name])
            except ValueError as exc:
                fail(name, str(exc))
    if "category" in row:  # blank clears it
        try:
            fields["category"] = _text(row["category"] or "", max_length=MAX_LENGTH["category"])
        except ValueError as exc:
            fail("category", str(exc))
    if "new_until" in row:  # blank or null clears it
        try:
            fields["new_until"] = None if is_blank(row["new_until"]) else _date(row["new_until"])
        except ValueError as exc:
            fail("new_until", str(exc))

    prices: dict[str, Decimal | None] = {}
    if not isinstance(raw_prices, dict):
        fail("prices", _('Expected the prices by column, e.g. {"base": "10.00"}.'))
    else:
        for code, value in raw_prices.items():
            field = f"prices.{code}"
            if code not in columns:
                fail(
                    field,
                    _("There is no price column %(code)s; the columns are: %(codes)s.")
                    % {"code": code, "codes": ", ".join(columns)},
                )
                continue
            if is_blank(value):
                prices[code] = None
                continue
            try:
                prices[code] = _money(value)
            except ValueError as exc:
                fail(field, str(exc))
        if prices.get(BASE) is None and not any(e.field == f"prices.{BASE}" for e in row_errors):
            fail(f"prices.{BASE}", _("A product needs a base price."))

    if row_errors:
        errors.extend(row_errors)
        return None
    sku = fields.pop("sku")
    return _ValidRow(index=index, sku=sku, fields=fields, prices=prices)


def _text(value: Any, *, max_length: int) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError(_("Expected a string."))
    text = str(value).strip()
    if len(text) > max_length:
        raise ValueError(_("At most %(count)d characters.") % {"count": max_length})
    return text


def _pack(value: Any) -> int:
    text = str(value).strip() if isinstance(value, str | int) and not isinstance(value, bool) else ""
    if not text.isdigit() or not 1 <= int(text) <= PACK_LIMIT:
        raise ValueError(_("Expected a whole number of units from 1 to %(limit)d.") % {"limit": PACK_LIMIT})
    return int(text)


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower() if isinstance(value, str | int) else ""
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(_("Expected true or false."))


def _date(value: Any) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    text = value.strip() if isinstance(value, str) else None
    if text is None or not DATE_PATTERN.fullmatch(text):
        raise ValueError(_("Expected a date as YYYY-MM-DD."))
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(_("%(value)s is not a valid date.") % {"value": text}) from None


def _money(value: Any, *, limit: Decimal = PRICE_LIMIT) -> Decimal:
    """A non-negative amount with at most two decimal places. Never through float: a JSON number
    with a fraction has already lost its exact value, so money must come as a string."""
    if isinstance(value, float):
        raise ValueError(_('Send money as a decimal string such as "1234.50", not as a number.'))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(_("Expected a decimal number."))
        text = format(value, "f")
    elif isinstance(value, str | int) and not isinstance(value, bool):
        text = str(value).strip()
    else:
        raise ValueError(_('Expected a decimal string such as "1234.50".'))
    if not DECIMAL_PATTERN.fullmatch(text):
        raise ValueError(_('"%(value)s" is not a decimal number such as 1234.50.') % {"value": text[:50]})
    try:
        amount = Decimal(text)
    except InvalidOperation:  # the pattern admits only plain numbers; kept for safety
        raise ValueError(_('"%(value)s" is not a decimal number.') % {"value": text[:50]}) from None
    if amount < 0:
        raise ValueError(_("Must not be negative."))
    if amount >= limit:  # checked before quantize(), which fails on very long numbers
        raise ValueError(
            _("Too large: at most %(digits)d digits before the decimal point.")
            % {"digits": len(str(limit)) - 1}
        )
    if amount != amount.quantize(CENT):
        raise ValueError(_("At most 2 decimal places."))
    return amount.quantize(CENT) + 0  # + 0 turns "-0.00" into "0.00"


# --- single edits (admin) ------------------------------------------------------------------------


def _column(code: str) -> PriceColumn:
    column = PriceColumn.objects.filter(code=code).first()
    if column is None:
        raise InvalidInput(
            _("There is no price column %(code)s.") % {"code": code},
            errors=[FieldError("column", _("Unknown price column."))],
        )
    return column


def _locked_product(product_id: int) -> Product:
    product = Product.objects.select_for_update(of=("self",)).filter(pk=product_id).first()
    if product is None:
        raise ProductNotFound(errors=[FieldError("product", _("No such product."))])
    return product


@transaction.atomic
def set_price(
    *,
    product_id: int,
    column_code: str,
    amount: Decimal | str | int,
    actor: User | None,
    source: str = "admin",
) -> Price:
    """Set one price of one product and record the change (nothing when the amount is the same).

    Locks the product row. Raises Forbidden (not commercial or admin), InvalidInput (bad amount
    or column), ProductNotFound.
    """
    if actor is not None:
        require_role(actor, Role.COMMERCIAL)
    try:
        value = _money(amount)
    except ValueError as exc:
        raise InvalidInput(str(exc), errors=[FieldError("amount", str(exc))]) from None
    column = _column(column_code)
    product = _locked_product(product_id)
    price = Price.objects.filter(product=product, column=column).first()
    if price is None:
        price = Price.objects.create(product=product, column=column, amount=value)
        PriceChange.objects.create(**_change_fields(product, column, None, value, actor, source))
    elif price.amount != value:
        old = price.amount
        price.amount = value
        price.save(update_fields=["amount"])
        PriceChange.objects.create(**_change_fields(product, column, old, value, actor, source))
    return price


@transaction.atomic
def remove_price(*, product_id: int, column_code: str, actor: User | None, source: str = "admin") -> None:
    """Remove one price of a product (never `base`) and record it. Locks the product row.
    Raises Forbidden, InvalidInput, ProductNotFound."""
    if actor is not None:
        require_role(actor, Role.COMMERCIAL)
    if column_code == BASE:
        raise InvalidInput(
            _("A product needs a base price."), errors=[FieldError("column", _("The base price stays."))]
        )
    column = _column(column_code)
    product = _locked_product(product_id)
    price = Price.objects.filter(product=product, column=column).first()
    if price is not None:
        price.delete()
        PriceChange.objects.create(**_change_fields(product, column, price.amount, None, actor, source))


def _change_fields(product, column, old, new, actor, source) -> dict:
    return {
        "product": product,
        "column": column,
        "old_amount": old,
        "new_amount": new,
        "changed_by": actor,
        "source": source,
    }


# --- files ---------------------------------------------------------------------------------------


def price_list_header(columns: list[PriceColumn] | None = None) -> list[str]:
    """The file header: the product fields, then one column per price column code."""
    columns = columns if columns is not None else list(PriceColumn.objects.order_by("position"))
    return [*PRODUCT_FIELDS, *(column.code for column in columns)]


def read_price_list_file(file: BinaryIO, filename: str) -> list[dict]:
    """The data rows of a CSV or XLSX price list, as rows for `upsert_price_list`.

    The first row is the header: `sku, name, unit, pack, category, active, new_until` and one
    column per price column code (any order, any case; `sku`, `name` and `base` are required; a
    product field left out of the header keeps the product's value, a price column left out keeps
    its prices, a blank price cell removes that price). CSV: UTF-8 with or without BOM, comma or
    semicolon. XLSX: the first sheet. Blank rows at the end are dropped; a blank row in between is
    kept, so that row numbers match the file (row 1 is the first row after the header). Raises
    InvalidPriceList for a file it cannot read or a header it does not understand.
    """
    table = read_table(file, filename, error=InvalidPriceList, what=gettext("product"))
    fields, prices = _columns(table[0])

    def cell(cells: list[str], position: int) -> str:
        return cells[position] if position < len(cells) else ""

    return [
        {
            **{name: cell(cells, position) for name, position in fields.items()},
            "prices": {code: cell(cells, position) or None for code, position in prices.items()},
        }
        for cells in table[1:]
    ]


def _columns(header: list[str]) -> tuple[dict[str, int], dict[str, int]]:
    """Product field -> position and price column code -> position, from the header row."""
    codes = {code.lower(): code for code in PriceColumn.objects.values_list("code", flat=True)}
    fields: dict[str, int] = {}
    prices: dict[str, int] = {}
    errors = []
    for position, title in enumerate(header):
        name = title.strip().lstrip("\ufeff").lower()
        if not name:
            continue
        if name in PRODUCT_FIELDS:
            target, key = fields, name
        elif name in codes:
            target, key = prices, codes[name]
        else:
            errors.append(
                FieldError(
                    title.strip(),
                    _("Unknown column %(name)s: neither a product field nor a price column code.")
                    % {"name": title.strip()},
                )
            )
            continue
        if key in target:
            errors.append(FieldError(key, _("The header has the column %(name)s twice.") % {"name": key}))
        target[key] = position
    errors += [
        FieldError(name, _("The header has no column %(name)s.") % {"name": name})
        for name in REQUIRED_HEADER
        if name not in fields and name not in prices
    ]
    if errors:
        raise InvalidPriceList(
            _("The first row must name the columns: %(names)s.")
            % {"names": ", ".join([*PRODUCT_FIELDS, *codes.values()])},
            errors=errors,
        )
    return fields, prices


def export_price_list(fmt: str) -> bytes:
    """The whole price list as a CSV (UTF-8 with BOM, comma) or XLSX file, with the header that
    `read_price_list_file` reads, so that exporting and importing the file changes nothing.
    Three queries."""
    columns = list(PriceColumn.objects.order_by("position"))
    header = price_list_header(columns)
    products = Product.objects.order_by("sku").prefetch_related(
        Prefetch("prices", queryset=Price.objects.only("product_id", "column_id", "amount"))
    )
    rows = []
    for product in products:
        by_column = {price.column_id: price.amount for price in product.prices.all()}
        rows.append(
            [product.sku, product.name, product.unit, product.pack, product.category, product.active]
            + [product.new_until]
            + [by_column.get(column.pk) for column in columns]
        )
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(header)
        for cells in rows:
            writer.writerow([_csv_cell(value) for value in cells])
        return ("\ufeff" + out.getvalue()).encode("utf-8")
    if fmt == "xlsx":
        return _xlsx_bytes(header, rows, money_from=len(PRODUCT_FIELDS))
    raise InvalidInput(_("Export as csv or xlsx."), errors=[FieldError("format", _("Expected csv or xlsx."))])


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _xlsx_bytes(header: list[str], rows: list[list[Any]], *, money_from: int) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Price list")[:31]
    sheet.append(header)
    for cells in rows:
        sheet.append(cells)
    for row in sheet.iter_rows(min_row=2):
        for cell in row[:money_from]:
            if cell.data_type == "f":
                # openpyxl takes text starting with "=" for a formula: keep a name such as
                # "=Cola=" as text, so it reads back as it is and never runs in a spreadsheet.
                cell.data_type = "s"
        for cell in row[money_from:]:
            cell.number_format = "0.00"
        row[PRODUCT_FIELDS.index("new_until")].number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "B2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- specials and discount rules ------------------------------------------------------------------
#
# Specials (III.7, III.23) and discount rules (III.10) are created, changed, deactivated and
# deleted only here, whatever the door (API, admin). Each write leaves RuleChange rows in its own
# transaction: one per field whose text changed, with who, when, old, new and where from.

SPECIAL_INPUT = ("sku", "valid_from", "valid_to", "client_types", "note", "special_price")
RULE_INPUT = ("name", "column", "client_types", "min_subtotal", "priority", "valid_from", "valid_to")


def _client_types(codes: Any, errors: list[FieldError]) -> list[ClientType]:
    if not isinstance(codes, list | tuple) or not all(isinstance(code, str) for code in codes):
        errors.append(FieldError("client_types", _("Expected a list of client type codes.")))
        return []
    types = list(ClientType.objects.filter(code__in=set(codes)).order_by("code"))
    unknown = sorted(set(codes) - {client_type.code for client_type in types})
    if unknown:
        errors.append(
            FieldError(
                "client_types",
                _("Unknown client types: %(codes)s.") % {"codes": ", ".join(unknown)},
            )
        )
    return types


def _period(valid_from: Any, valid_to: Any, errors: list[FieldError], *, open_end: bool) -> tuple:
    """The period's two dates (valid_to may be None when `open_end`), checked in order."""
    dates: dict[str, date | None] = {}
    for name, value in (("valid_from", valid_from), ("valid_to", valid_to)):
        if value is None or (isinstance(value, str) and not value.strip()):
            dates[name] = None
            if name == "valid_from" or not open_end:
                errors.append(FieldError(name, _("This field is required.")))
            continue
        try:
            dates[name] = _date(value)
        except ValueError as exc:
            errors.append(FieldError(name, str(exc)))
            dates[name] = None
    start, end = dates["valid_from"], dates["valid_to"]
    if start is not None and end is not None and end < start:
        errors.append(FieldError("valid_to", _("The period ends before it starts.")))
    return start, end


def validate_special(data: dict) -> dict:
    """A special's input (`SPECIAL_INPUT`: the SKU, the period, client type codes, the line to
    read out, an optional special price) checked and turned into the model's values. Raises
    InvalidInput naming every bad field. Also asked by the admin form, so the rule is this one."""
    errors: list[FieldError] = []
    sku = data.get("sku")
    product = Product.objects.filter(sku=sku.strip()).first() if isinstance(sku, str) else None
    if product is None:
        errors.append(FieldError("sku", _("No product has the SKU %(sku)s.") % {"sku": sku}))
    start, end = _period(data.get("valid_from"), data.get("valid_to"), errors, open_end=False)
    types = _client_types(data.get("client_types", []), errors)
    note = data.get("note")
    note = note.strip() if isinstance(note, str) else ""
    if not note:
        errors.append(FieldError("note", _("Write the line the operator reads out.")))
    elif len(note) > NOTE_MAX_LENGTH:
        errors.append(FieldError("note", _("At most %(count)d characters.") % {"count": NOTE_MAX_LENGTH}))
    amount = None
    if data.get("special_price") is not None:
        try:
            amount = _money(data["special_price"])
        except ValueError as exc:
            errors.append(FieldError("special_price", str(exc)))
    if errors:
        raise InvalidInput(_("The special is not valid."), errors=errors)
    return {
        "product": product,
        "valid_from": start,
        "valid_to": end,
        "client_types": types,
        "note": note,
        "special_price": amount,
    }


def validate_discount_rule(data: dict) -> dict:
    """A discount rule's input (`RULE_INPUT`: a name, the column code, client type codes, the
    minimum subtotal at base prices, the priority, the period with an open end) checked and
    turned into the model's values. Raises InvalidInput naming every bad field."""
    errors: list[FieldError] = []
    column = data.get("column")
    price_column = PriceColumn.objects.filter(code=column).first() if isinstance(column, str) else None
    if price_column is None:
        errors.append(FieldError("column", _("There is no price column %(code)s.") % {"code": column}))
    types = _client_types(data.get("client_types", []), errors)
    subtotal = None
    try:
        subtotal = _money(data.get("min_subtotal", "0.00"), limit=SUBTOTAL_LIMIT)
    except ValueError as exc:
        errors.append(FieldError("min_subtotal", str(exc)))
    priority = data.get("priority", 10)
    if isinstance(priority, bool) or not isinstance(priority, int) or abs(priority) > 2**31 - 1:
        errors.append(FieldError("priority", _("Expected a whole number.")))
    start, end = _period(data.get("valid_from"), data.get("valid_to"), errors, open_end=True)
    name = data.get("name", "")
    name = name.strip() if isinstance(name, str) else ""
    if len(name) > RULE_NAME_MAX_LENGTH:
        errors.append(
            FieldError("name", _("At most %(count)d characters.") % {"count": RULE_NAME_MAX_LENGTH})
        )
    if errors:
        raise InvalidInput(_("The discount rule is not valid."), errors=errors)
    return {
        "name": name,
        "column": price_column,
        "client_types": types,
        "min_subtotal": subtotal,
        "priority": priority,
        "valid_from": start,
        "valid_to": end,
    }


def _special_values(special: Special) -> dict:
    return {
        "product": special.product,
        "valid_from": special.valid_from,
        "valid_to": special.valid_to,
        "client_types": list(special.client_types.order_by("code")),
        "note": special.note,
        "special_price": special.special_price,
    }


def _rule_values(rule: DiscountRule) -> dict:
    return {
        "name": rule.name,
        "column": rule.column,
        "client_types": list(rule.client_types.order_by("code")),
        "min_subtotal": rule.min_subtotal,
        "priority": rule.priority,
        "valid_from": rule.valid_from,
        "valid_to": rule.valid_to,
    }


def _as_input(values: dict) -> dict:
    """Model values back as service input (SKU, column and type codes), to merge changes into."""
    shown = {}
    for field, value in values.items():
        if field == "product":
            shown["sku"] = value.sku
        elif field == "column":
            shown["column"] = value.code
        elif field == "client_types":
            shown["client_types"] = [client_type.code for client_type in value]
        else:
            shown[field] = value
    return shown


def _shown(value: Any) -> str:
    """A value as the history shows it: codes for products, columns and types, ISO dates,
    money with two places, nothing for None."""
    if value is None:
        return ""
    if isinstance(value, Product):
        return value.sku
    if isinstance(value, PriceColumn):
        return value.code
    if isinstance(value, list):
        return ", ".join(sorted(client_type.code for client_type in value))
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _record_rule_change(
    kind: str,
    target: DiscountRule | Special,
    action: str,
    before: dict,
    after: dict,
    *,
    actor: User | None,
    source: str,
) -> list[RuleChange]:
    """One RuleChange a field whose text differs between `before` and `after` (model values; an
    empty dict is "nothing": a creation or a deletion). One query, none when nothing changed."""
    rows = []
    label = str(target)[: RuleChange._meta.get_field("label").max_length]
    for field in after or before:
        old, new = _shown(before.get(field)), _shown(after.get(field))
        if old != new:
            rows.append(
                RuleChange(
                    kind=kind,
                    object_id=target.pk,
                    label=label,
                    action=action,
                    field=field,
                    old_value=old,
                    new_value=new,
                    changed_by=actor,
                    source=source,
                )
            )
    return RuleChange.objects.bulk_create(rows) if rows else []


def _check_commercial(actor: User | None) -> None:
    if actor is not None:  # None: the command line
        require_role(actor, Role.COMMERCIAL)


def _locked(model: type[DiscountRule] | type[Special], pk: int) -> DiscountRule | Special:
    target = model.objects.select_for_update(of=("self",)).filter(pk=pk).first()
    if target is None:
        raise NotFound(_("There is no such %(what)s.") % {"what": model._meta.verbose_name})
    return target


def _unknown_fields(changes: dict, allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(changes) - set(allowed))
    if unknown:
        raise InvalidInput(
            _("Unknown fields: %(names)s.") % {"names": ", ".join(unknown)},
            errors=[FieldError(name, _("Unknown field.")) for name in unknown],
        )


def _save_changed(target, before: dict, after: dict) -> None:
    fields = [f for f in after if f != "client_types" and _shown(before[f]) != _shown(after[f])]
    for field in fields:
        setattr(target, field, after[field])
    if fields:
        target.save(update_fields=fields)
    if _shown(before["client_types"]) != _shown(after["client_types"]):
        target.client_types.set(after["client_types"])


@transaction.atomic
def create_special(
    *,
    actor: User | None,
    sku: str,
    valid_from: date | str,
    valid_to: date | str,
    client_types: list[str],
    note: str,
    special_price: Decimal | str | int | None = None,
    source: str = Source.API,
) -> Special:
    """Name a special item (III.7, III.23): offered on every order of `client_types` (empty: all
    types) during its period, optionally at a special price. Commercial and admin. Records each
    field it sets (RuleChange). Raises Forbidden, InvalidInput (every bad field)."""
    _check_commercial(actor)
    values = validate_special(
        {
            "sku": sku,
            "valid_from": valid_from,
            "valid_to": valid_to,
            "client_types": client_types,
            "note": note,
            "special_price": special_price,
        }
    )
    return _create_recorded(Special, RuleChange.Kind.SPECIAL, values, actor=actor, source=source)


def _create_recorded(model, kind: str, values: dict, *, actor: User | None, source: str):
    """Create a special or a discount rule from checked `values` and record each field set."""
    fields = {field: value for field, value in values.items() if field != "client_types"}
    created = model.objects.create(**fields, created_by=actor)
    created.client_types.set(values["client_types"])
    _record_rule_change(kind, created, RuleChange.Action.CREATED, {}, values, actor=actor, source=source)
    return created


@transaction.atomic
def update_special(
    *,
    actor: User | None,
    special_id: int,
    changes: dict,
    source: str = Source.ADMIN,
    action: str = RuleChange.Action.CHANGED,
) -> Special:
    """Change a special: `changes` holds some of `SPECIAL_INPUT`, the rest keeps its value; the
    whole special is checked again. Records each field whose value changed (nothing when none
    did). Locks the special. Raises Forbidden, NotFound, InvalidInput."""
    _check_commercial(actor)
    _unknown_fields(changes, SPECIAL_INPUT)
    special = _locked(Special, special_id)
    before = _special_values(special)
    after = validate_special({**_as_input(before), **changes})
    _save_changed(special, before, after)
    _record_rule_change(RuleChange.Kind.SPECIAL, special, action, before, after, actor=actor, source=source)
    return special


@transaction.atomic
def deactivate_special(
    *, actor: User | None, special_id: int, on: date, source: str = Source.ADMIN
) -> Special:
    """Stop offering a special from `on`: its period ends the day before (recorded as
    "deactivated"). One that has already ended stays as it is. Raises Forbidden, NotFound,
    InvalidInput (it has not started by then: delete it instead)."""
    _check_commercial(actor)
    special = _locked(Special, special_id)
    last_day = _ending_yesterday(special, on, _("The special has not started yet: delete it instead."))
    if last_day is None:
        return special
    return update_special(
        actor=actor,
        special_id=special_id,
        changes={"valid_to": last_day},
        source=source,
        action=RuleChange.Action.DEACTIVATED,
    )


def _ending_yesterday(period, on: date, not_started: str) -> date | None:
    """The last day of a special or rule deactivated from `on`, or None when it has already ended;
    InvalidInput (`not_started`) when it has not started by then."""
    if period.valid_to is not None and period.valid_to < on:
        return None
    last_day = date.fromordinal(on.toordinal() - 1)
    if period.valid_from > last_day:
        raise InvalidInput(not_started, errors=[FieldError("valid_to", _("It would end before it starts."))])
    return last_day


@transaction.atomic
def delete_special(*, actor: User | None, special_id: int, source: str = Source.ADMIN) -> None:
    """Delete a special, recording every value it had (the order lines sold at it keep their
    prices). Locks the special. Raises Forbidden, NotFound."""
    _check_commercial(actor)
    special = _locked(Special, special_id)
    before = _special_values(special)
    _record_rule_change(
        RuleChange.Kind.SPECIAL, special, RuleChange.Action.DELETED, before, {}, actor=actor, source=source
    )
    special.delete()


@transaction.atomic
def create_discount_rule(
    *,
    actor: User | None,
    column: str,
    client_types: list[str],
    min_subtotal: Decimal | str | int,
    priority: int,
    valid_from: date | str,
    valid_to: date | str | None,
    name: str = "",
    source: str = Source.API,
) -> DiscountRule:
    """Add a rule choosing a price column (III.10): for `client_types` (empty: all types), from
    `min_subtotal` at base prices, with `priority` (higher wins), during its period (`valid_to`
    None: open-ended). Commercial and admin. Records each field it sets (RuleChange). Raises
    Forbidden, InvalidInput (every bad field)."""
    _check_commercial(actor)
    values = validate_discount_rule(
        {
            "name": name,
            "column": column,
            "client_types": client_types,
            "min_subtotal": min_subtotal,
            "priority": priority,
            "valid_from": valid_from,
            "valid_to": valid_to,
        }
    )
    return _create_recorded(DiscountRule, RuleChange.Kind.DISCOUNT_RULE, values, actor=actor, source=source)


@transaction.atomic
def update_discount_rule(
    *,
    actor: User | None,
    rule_id: int,
    changes: dict,
    source: str = Source.ADMIN,
    action: str = RuleChange.Action.CHANGED,
) -> DiscountRule:
    """Change a discount rule: `changes` holds some of `RULE_INPUT`, the rest keeps its value;
    the whole rule is checked again. Records each field whose value changed. Locks the rule.
    Raises Forbidden, NotFound, InvalidInput."""
    _check_commercial(actor)
    _unknown_fields(changes, RULE_INPUT)
    rule = _locked(DiscountRule, rule_id)
    before = _rule_values(rule)
    after = validate_discount_rule({**_as_input(before), **changes})
    _save_changed(rule, before, after)
    _record_rule_change(
        RuleChange.Kind.DISCOUNT_RULE, rule, action, before, after, actor=actor, source=source
    )
    return rule


@transaction.atomic
def deactivate_discount_rule(
    *, actor: User | None, rule_id: int, on: date, source: str = Source.ADMIN
) -> DiscountRule:
    """Stop a rule from `on`: its period ends the day before (recorded as "deactivated"). One that
    has already ended stays as it is. Raises Forbidden, NotFound, InvalidInput (it has not
    started by then: delete it instead)."""
    _check_commercial(actor)
    rule = _locked(DiscountRule, rule_id)
    last_day = _ending_yesterday(rule, on, _("The discount rule has not started yet: delete it instead."))
    if last_day is None:
        return rule
    return update_discount_rule(
        actor=actor,
        rule_id=rule_id,
        changes={"valid_to": last_day},
        source=source,
        action=RuleChange.Action.DEACTIVATED,
    )


@transaction.atomic
def delete_discount_rule(*, actor: User | None, rule_id: int, source: str = Source.ADMIN) -> None:
    """Delete a discount rule, recording every value it had (confirmed orders keep their
    column). Locks the rule. Raises Forbidden, NotFound."""
    _check_commercial(actor)
    rule = _locked(DiscountRule, rule_id)
    before = _rule_values(rule)
    _record_rule_change(
        RuleChange.Kind.DISCOUNT_RULE, rule, RuleChange.Action.DELETED, before, {}, actor=actor, source=source
    )
    rule.delete()


# --- reads for the catalog -----------------------------------------------------------------------
