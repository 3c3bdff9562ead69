"""The price list (API.md, "Catalog and prices"; III.7, III.10): products by SKU with their price
in every column, and its files. Specials and discount rules are in `orders.promotions`.

One upsert, three doors: `PUT /api/v1/price-list`, the admin's file upload and
`manage.py import_price_list FILE`. The doors turn their input into a list of loosely typed rows;
`upsert_price_list` validates every row, reports every bad one, and writes all rows or none.
Every price it changes (and every single edit through `set_price` or `remove_price`) leaves a
`PriceChange` row: who, when, old, new, and from where.

A row: `{"sku", "name", "unit", "pack", "vat_rate", "min_quantity", "whole_packs", "category",
"active", "new_until", "prices": {"base":
"10.00", "<column code>": "9.50"}}`. `sku`, `name` and a `base` price are required. A product
field left out keeps its value (a new product gets the default); a price column left out keeps
its price, and a column given as null (a blank cell in a file) removes it. `base` is never removed.

Row numbers in errors: the API reports the JSON array index (the first row is 0); the file doors
report data rows, where row 1 is the first row after the header (`first_row=1`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, BinaryIO

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext as _

from calldesk.errors import DeskError, FieldError, InvalidInput
from calldesk.exporting import table_bytes
from calldesk.parsing import CANONICAL, Notation, file_number_text, parse_money, parse_text
from calldesk.tabular import BatchKeys, FileImport, HeaderTitles, is_blank, key_text, read_table
from orders.exceptions import InvalidPriceList, ProductNotFound
from orders.models import Price, PriceChange, PriceColumn, Product, Source
from orders.rules import BASE, vat_rate_problem
from staff.models import User
from staff.permissions import PRICE_LIST_ROLES, require_role

PRODUCT_FIELDS = (
    "sku",
    "name",
    "unit",
    "pack",
    "category",
    "active",
    "new_until",
    "vat_rate",
    "min_quantity",
    "whole_packs",
)
UPDATED_FIELDS = [
    "name",
    "unit",
    "pack",
    "category",
    "active",
    "new_until",
    "vat_rate",
    "min_quantity",
    "whole_packs",
    "search_text",
]
REQUIRED_HEADER = ("sku", "name", BASE)
# The header's titles of each product field and of the base price (any case, ё as е,
# punctuation ignored): the code the desk exports, and what 1C and Russian Excel title a price
# list with (III.7, III.10). Every price column is also named by its code or its name.
HEADER_TITLES = {
    "sku": ["Артикул", "Код", "Код товара"],
    "name": ["Наименование", "Номенклатура", "Название", "Товар"],
    "unit": ["Ед. изм.", "Единица измерения", "Единица", "Ед."],
    "pack": ["В упаковке", "Упаковка", "Кратность"],
    "category": ["Категория", "Группа", "Группа товаров"],
    "active": ["Активен", "Активный", "Действует"],
    "new_until": ["Новинка до"],
    "vat_rate": ["Ставка НДС", "НДС", "НДС, %", "Ставка НДС, %"],
    "min_quantity": ["Минимальный заказ", "Мин. заказ", "Минимум", "Минимальное количество"],
    "whole_packs": ["Только упаковками", "Целыми упаковками", "Кратно упаковке"],
    BASE: ["Цена", "Базовая цена", "Цена базовая"],
}

# Price.amount is DecimalField(max_digits=12, decimal_places=2).
PRICE_LIMIT = Decimal(10) ** 10
PACK_LIMIT = 1_000_000
QUANTITY_PLACES = Decimal("0.001")
QUANTITY_LIMIT = Decimal(10) ** 9
MAX_LENGTH = {name: Product._meta.get_field(name).max_length for name in ("sku", "name", "unit", "category")}
# Russian Excel writes a logical cell to CSV as ИСТИНА or ЛОЖЬ.
TRUE_WORDS = {"true", "1", "yes", "y", "истина", "да"}
FALSE_WORDS = {"false", "0", "no", "n", "ложь", "нет"}


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


def upsert_price_list(
    *, rows: list, actor: User | None, source: str, first_row: int = 0, notation: Notation = CANONICAL
) -> PriceListResult:
    """Upsert products by `sku` with their prices per column, all or nothing, in a constant number
    of queries.

    `actor` must be commercial or admin; None is the command line. `first_row` is the number
    reported for `rows[0]` (0 for the API, 1 for a file); `notation` how the rows write money and
    dates (the API's, or a file's with decimal commas). Only what changed is written, so
    importing the same data twice changes nothing. Locks the existing products it reads (in pk
    order; `set_price` locks the product too). Raises Forbidden, InvalidPriceList (listing every
    bad row; nothing written), or DeskError (409) when another import created one of the
    products at the same time.
    """
    if actor is not None:
        require_role(actor, *PRICE_LIST_ROLES)
    try:
        return _upsert(rows=rows, actor=actor, source=source, first_row=first_row, notation=notation)
    except IntegrityError as exc:
        # Validation leaves only the unique SKU (and product+column) to race on: a concurrent
        # import inserted one of our new products between our read and our insert.
        raise DeskError(
            _("Another import wrote some of these products at the same time. Send the data again.")
        ) from exc


@transaction.atomic
def _upsert(
    *, rows: list, actor: User | None, source: str, first_row: int, notation: Notation
) -> PriceListResult:
    columns = {column.code: column for column in PriceColumn.objects.order_by("position")}
    errors: list[FieldError] = []
    valid: list[_ValidRow] = []
    skus = BatchKeys("sku", _("SKU %(key)s is already in row %(row)s of this price list."))
    for position, raw in enumerate(rows):
        index = first_row + position
        repeated = skus.repeated(key_text(raw, "sku"), index, errors)
        row = _parse_row(raw, index=index, columns=columns, errors=errors, notation=notation)
        if row is not None and not repeated:
            valid.append(row)
    if errors:
        # A stable sort: within a row, errors keep the order they were found in.
        raise InvalidPriceList(errors=sorted(errors, key=lambda error: error.row or 0))

    products = {
        product.sku: product
        for product in Product.objects.select_for_update(of=("self",))
        .filter(sku__in=skus.keys)
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
            product.set_search_text()
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
    """Copy the row's fields onto the product, and the search text its name gives; True if any
    of them changed."""
    changed = False
    for name, value in fields.items():
        if getattr(product, name) != value:
            setattr(product, name, value)
            changed = True
    if changed:
        product.set_search_text()
    return changed


def _parse_row(
    row: Any, *, index: int, columns: dict[str, PriceColumn], errors: list[FieldError], notation: Notation
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
            fields[name] = parse_text(row[name], max_length=MAX_LENGTH[name])
        except ValueError as exc:
            fail(name, str(exc))
    # Optional fields: left out (or blank) keeps the product's value; a new product gets the default.
    parsers = {
        "unit": lambda value: parse_text(value, max_length=MAX_LENGTH["unit"]),
        "pack": _pack,
        "active": _boolean,
        "vat_rate": _vat_rate,
        "min_quantity": _min_quantity,
        "whole_packs": _boolean,
    }
    for name, parse in parsers.items():
        if not is_blank(row.get(name)):
            try:
                fields[name] = parse(row[name])
            except ValueError as exc:
                fail(name, str(exc))
    if "category" in row:  # blank clears it
        try:
            fields["category"] = parse_text(row["category"] or "", max_length=MAX_LENGTH["category"])
        except ValueError as exc:
            fail("category", str(exc))
    if "new_until" in row:  # blank or null clears it
        try:
            fields["new_until"] = None if is_blank(row["new_until"]) else notation.date(row["new_until"])
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
                prices[code] = notation.money(value, limit=PRICE_LIMIT)
            except ValueError as exc:
                fail(field, str(exc))
        if prices.get(BASE) is None and not any(e.field == f"prices.{BASE}" for e in row_errors):
            fail(f"prices.{BASE}", _("A product needs a base price."))

    if row_errors:
        errors.extend(row_errors)
        return None
    sku = fields.pop("sku")
    return _ValidRow(index=index, sku=sku, fields=fields, prices=prices)


def _pack(value: Any) -> int:
    text = str(value).strip() if isinstance(value, str | int) and not isinstance(value, bool) else ""
    if not text.isdigit() or not 1 <= int(text) <= PACK_LIMIT:
        raise ValueError(_("Expected a whole number of units from 1 to %(limit)d.") % {"limit": PACK_LIMIT})
    return int(text)


def _min_quantity(value: Any) -> Decimal:
    """A least quantity in units: 0 or more, at most three decimals ("12", "0,5", 24)."""
    text = None
    if isinstance(value, int) and not isinstance(value, bool):
        text = str(value)
    elif isinstance(value, str):
        text = file_number_text(value)
    quantity = Decimal(text) if text is not None else None
    if (
        quantity is None
        or quantity < 0
        or quantity != quantity.quantize(QUANTITY_PLACES)
        or quantity >= QUANTITY_LIMIT
    ):
        raise ValueError(_("Expected a quantity of 0 or more with at most three decimals, e.g. 12 or 0.5."))
    return quantity.quantize(QUANTITY_PLACES)


def _vat_rate(value: Any) -> int:
    """A VAT rate in per cent, one of settings.CALLDESK_VAT_RATES ("20", 20, "20 %", "20%")."""
    text = str(value).strip().rstrip("%").strip() if isinstance(value, str | int) else ""
    rate = int(text) if text.isdigit() and not isinstance(value, bool) else None
    problem = vat_rate_problem(rate, allowed=settings.CALLDESK_VAT_RATES)
    if problem:
        raise ValueError(problem)
    return rate  # type: ignore[return-value]


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower() if isinstance(value, str | int) else ""
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(_("Expected true or false."))


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
    source: str = Source.ADMIN,
) -> Price:
    """Set one price of one product and record the change (nothing when the amount is the same).

    Locks the product row. Raises Forbidden (not commercial or admin), InvalidInput (bad amount
    or column), ProductNotFound.
    """
    if actor is not None:
        require_role(actor, *PRICE_LIST_ROLES)
    try:
        value = parse_money(amount, limit=PRICE_LIMIT)
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
def remove_price(
    *, product_id: int, column_code: str, actor: User | None, source: str = Source.ADMIN
) -> None:
    """Remove one price of a product (never `base`) and record it. Locks the product row.
    Raises Forbidden, InvalidInput, ProductNotFound."""
    if actor is not None:
        require_role(actor, *PRICE_LIST_ROLES)
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

    The first row is the header: `sku, name, unit, pack, category, active, new_until, vat_rate,
    min_quantity, whole_packs` and one
    column per price column, each by its code or a title 1C writes (`header_titles`; any order,
    any case; `sku`, `name` and `base` are required; a
    product field left out of the header keeps the product's value, a price column left out keeps
    its prices, a blank price cell removes that price). CSV: UTF-8 with or without BOM or
    Windows-1251, comma, semicolon or tab, decimal commas and dd.mm.yyyy dates
    (`calldesk.tabular`). XLSX: the first sheet. Blank rows at the end are dropped; a blank row in between is
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


def header_titles(columns: list[PriceColumn] | None = None) -> HeaderTitles:
    """The titles the header may give each product field and price column: `HEADER_TITLES`, and
    each price column's code and name, stored and as the reader reads it ("column_2", "Column 2",
    «Колонка 2»)."""
    columns = columns if columns is not None else list(PriceColumn.objects.order_by("position"))
    titles = HeaderTitles(HEADER_TITLES)
    for column in columns:
        titles.add(column.code, [column.code, column.name, str(column)])
    return titles


def _columns(header: list[str]) -> tuple[dict[str, int], dict[str, int]]:
    """Product field -> position and price column code -> position, from the header row."""
    titles = header_titles()
    fields: dict[str, int] = {}
    prices: dict[str, int] = {}
    errors = []
    for position, title in enumerate(header):
        if not title.replace("\ufeff", "").strip():
            continue
        name = titles.field(title)
        if name in PRODUCT_FIELDS:
            target, key = fields, name
        elif name is not None:
            target, key = prices, name
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
            _("The first row must name the columns: %(names)s.") % {"names": titles.accepted()},
            errors=errors,
        )
    return fields, prices


PRICE_LIST_FILE = FileImport(
    read=read_price_list_file,
    write=lambda *, rows, actor, first_row, notation: upsert_price_list(
        rows=rows, actor=actor, source=Source.IMPORT, first_row=first_row, notation=notation
    ),
    header=price_list_header,
    done=gettext_lazy("Price list imported"),
    summary=lambda result: (
        _("created %(created)d, updated %(updated)d, prices changed %(prices)d")
        % {"created": result.created, "updated": result.updated, "prices": result.prices_changed}
    ),
)


def export_price_list(fmt: str) -> bytes:
    """The whole price list as a file in a format of calldesk.exporting (CSV, CSV for Excel with
    semicolons and decimal commas, XLSX), with the header that `read_price_list_file` reads, so
    that exporting and importing the file changes nothing; a name a spreadsheet would run as a
    formula is written as text. Raises InvalidInput for an unknown format. Three queries."""
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
            + [product.new_until, product.vat_rate, product.min_quantity, product.whole_packs]
            + [by_column.get(column.pk) for column in columns]
        )
    return table_bytes(fmt, header, rows, title=_("Price list"))
