"""The benchmark data set: three years of a large distributor, loaded into PostgreSQL fast.

`seed_bench(scale=1.0)` loads, on top of the reference data the migrations seed (departments,
client types, price columns, role groups) and the demo staff:

- 40 operators (`bench_op01`...) and 30 managers (`bench_mgr01`...) of wholesale, retail and
  regional sales, some of them key-account managers, all with the demo password;
- 5,000 products (`BENCH-00001`...) in categories, priced in every column;
- 100,000 clients over the client types (mostly market), each with a manager of its department
  (1% with none), 1-2 phones (E.164, unique) and a contact;
- 300,000 confirmed, delivered or cancelled orders over three years with exactly 2,000,000 lines,
  numbered `YYYY-NNNNNN` without gaps per year; a few clients order a lot, most a little
  (Pareto); every order's total is the sum of its lines; `Client.last_order_on` is the local day
  of the latest order not cancelled;
- 1,000,000 receivables, skewed like the orders, most paid, some overdue;
- 1,000,000 ended calls with their outcome over three years, by the bench operators.

Every count is multiplied by `scale` (0.01: 1,000 clients, 3,000 orders, 20,000 lines), and the
counts are exact by construction. The same seed, scale and day give the same rows.

Speed: rows are formatted as text here and sent with PostgreSQL's COPY (psycopg 3), with
explicit ids; the big tables' secondary indexes and foreign keys are dropped first and
recreated afterwards from their exact definitions (read from the catalog), then the sequences
are set and the tables analysed. All of it is one transaction: a failed load leaves nothing.
A data set already loaded (the product `BENCH-00001` exists) is reused: nothing is added.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock
from itertools import accumulate

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils import timezone

from calldesk.search import normalise
from calls.models import Call
from clients.models import Client, ClientPhone, ClientType, Contact, Receivable
from demo.seed.clients import CONTACT_FIRST, CONTACT_LAST, REGIONS, RU_NAME_FIRST, STREETS
from demo.seed.orders import CATEGORIES, CATEGORY_VAT, COLUMN_REASONS, RU_BRANDS, RU_ITEMS, SIZES, TYPE_TASTE
from demo.seed.staff import DEMO_PASSWORD, ensure_demo_staff
from orders.models import Order, OrderLine, OrderNumberSequence, Price, PriceColumn, Product
from staff.models import Department, Role, User
from warehouse.models import Stock
from warehouse.stock import warehouse_by_code

SKU_PREFIX = "BENCH-"
NULL = "\\N"  # COPY's text format
MARKER_SKU = f"{SKU_PREFIX}00001"

# The full-scale counts (scale 1.0).
FULL = {
    "products": 5_000,
    "clients": 100_000,
    "orders": 300_000,
    "order lines": 2_000_000,
    "receivables": 1_000_000,
    "calls": 1_000_000,
}
OPERATORS = 40
MANAGERS = 30  # wholesale (some key-account), retail, regional
MAX_LINES = 30  # lines in one order

# Mostly market clients (III.16 watches them), then retail, regional, own outlets and key clients.
TYPE_SHARES = [("market", 55), ("retail", 18), ("regional", 12), ("own_outlet", 8), ("key", 7)]
TYPE_ORDERING = {"market": 1.0, "retail": 1.0, "regional": 1.5, "own_outlet": 1.2, "key": 3.0}
TYPE_COLUMN = {"key": "column_4", "regional": "column_3", "own_outlet": "column_2"}
PARETO_ALPHA = 1.5  # the top 1% of clients place about a fifth of the orders
COLUMN_FACTORS = [1.00, 0.97, 0.94, 0.90]
LANGUAGE = Client._meta.get_field("language").default  # what a client receives: Russian
# Clients and products have Cyrillic names, as the distributor's do; client search is timed
# with what an operator types: four lower-case letters of a name (`search_term`).
CLIENT_NAMES = RU_NAME_FIRST  # the demo's Russian outlet names
CLIENT_KINDS = {
    "market": ["ИП", "Павильон", "Палатка", "Киоск"],
    "retail": ["Магазин", "Минимаркет", "Продукты", "ООО"],
    "regional": ["Торговый дом", "Оптовая база", "ООО", "АО"],
    "own_outlet": ["Фирменный магазин", "Магазин у дома"],
    "key": ["Сеть супермаркетов", "Гипермаркет", "Торговая сеть"],
}
# The demo catalogue's Russian item names, keyed by the Latin category (the key of TYPE_TASTE).
ITEMS = {category: [item for item, _sizes, _prices in items] for category, items in RU_ITEMS.items()}
BRANDS = RU_BRANDS
VARIANTS = ["Классика", "Премиум", "Лайт", "Органик", "Семейный", "Голд"]
SIZE_WORDS = {".": ",", " l": " л", " kg": " кг", " g": " г", " can": " банка", " bottle": " бутылка"}


def russian_size(size: str) -> str:
    """ "0.5 l bottle" as a Russian label writes it: "0,5 л бутылка"."""
    for latin, russian in SIZE_WORDS.items():
        size = size.replace(latin, russian)
    return size


def search_term(name: str) -> str:
    """What an operator types to find a bench client: four lower-case letters of its name (the
    word in « »)."""
    return (name.partition("«")[2] or name)[:4].lower()


QUANTITIES = [1, 1, 2, 2, 3, 4, 5, 6, 10, 12, 20, 24]
# Mobile prefixes the demo data does not use, so both data sets can live in one database.
PHONE_PREFIXES = ["905", "906", "909", "910", "915", "917", "925", "929", "962", "964", "965", "977"]
UNKNOWN_PREFIX = "950"  # callers who are not clients
LIMITS = [None, 0, 3_000_000, 5_000_000, 10_000_000, 20_000_000, 30_000_000, 50_000_000]  # cents
KEY_LIMITS = [None, None, 100_000_000, 200_000_000, 500_000_000]
TERMS = [0, 7, 14, 14, 21, 30]
CARRIERS = ["DelLin", "PEK", "Baikal-Service", "own truck"]
# (code, note): the codes of orders.models.CancelReason (section VI), with the words beside them
CANCEL_REASONS = [
    ("client_refused", "client changed their mind"),
    ("duplicate", "duplicate order"),
    ("out_of_stock", "goods out of stock"),
    ("other", "debt found late"),
]
DECLINED = ["prices too high", "enough stock", "buys elsewhere now", "call next week", "closed for repairs"]
TRANSFER_REASONS = ["key client: to the key-account manager", "client asks for the manager", "debt"]


class BenchError(Exception):
    """The benchmark data set cannot be loaded here (e.g. not PostgreSQL)."""


@dataclass
class BenchReport:
    reused: bool
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def counts_for(scale: float) -> dict[str, int]:
    """The exact number of rows of each kind loaded at `scale`."""
    counts = {name: max(1, round(full * scale)) for name, full in FULL.items()}
    max_lines = min(MAX_LINES, counts["products"])
    counts["order lines"] = max(counts["orders"], min(counts["order lines"], counts["orders"] * max_lines))
    return counts


def is_loaded() -> bool:
    return Product.objects.filter(sku=MARKER_SKU).exists()


def current_counts() -> dict[str, int]:
    return {
        "products": Product.objects.filter(sku__startswith=SKU_PREFIX).count(),
        "clients": Client.objects.count(),
        "phones": ClientPhone.objects.count(),
        "orders": Order.objects.count(),
        "order lines": OrderLine.objects.count(),
        "receivables": Receivable.objects.count(),
        "calls": Call.objects.count(),
    }


def seed_bench(
    *,
    scale: float = 1.0,
    seed: int = 8,
    today: date | None = None,
    log: Callable[[str], None] = print,
) -> BenchReport:
    """Load the benchmark data set (see the module's docstring), or reuse the one loaded."""
    if connection.vendor != "postgresql":
        raise BenchError(
            f"the benchmark data set needs PostgreSQL (DATABASE_URL=postgres://...); "
            f"this database is {connection.vendor}"
        )
    if not 0 < scale <= 10:
        raise BenchError("scale must be more than 0 and at most 10")
    started = time.monotonic()
    if is_loaded():
        if Product.objects.get(sku=MARKER_SKU).name.isascii():
            raise BenchError(
                "the loaded data set is an older one, with Latin names; remove var/bench/pg "
                "(or BENCH_PG_DATA) and run again to load the Cyrillic one"
            )
        counts = current_counts()
        log("The benchmark data set is already loaded: reused, nothing added.")
        _favourites(today or timezone.localdate(), log)
        return BenchReport(reused=True, counts=counts, seconds=time.monotonic() - started)
    with transaction.atomic():
        loader = _Loader(scale=scale, seed=seed, today=today or timezone.localdate(), log=log)
        counts = loader.run()
    _settle([*loader.big_tables(), Product._meta.db_table, Price._meta.db_table], log)
    _favourites(today or timezone.localdate(), log)
    seconds = time.monotonic() - started
    log(f"Total: {seconds:.1f} s")
    return BenchReport(reused=False, counts=counts, seconds=seconds)


def _settle(tables: list[str], log: Callable[[str], None]) -> None:
    """VACUUM (ANALYZE) what was loaded, once committed: fresh statistics for the planner and a
    visibility map for index-only scans. Left to autovacuum, it would run during the first
    measurements and time the loader instead of the desk."""
    since = time.monotonic()
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"VACUUM (ANALYZE) {table}")  # our own models' tables
    log(f"  vacuumed and analysed {time.monotonic() - since:7.1f} s")


def _favourites(on: date, log: Callable[[str], None]) -> None:
    """What the nightly task builds: each client type's favourites, which suggestions read."""
    from orders.favourites import rebuild_type_favourites

    began = time.monotonic()
    rows = rebuild_type_favourites(on=on)
    log(f"  favourites of client types {rows:>10,} rows {time.monotonic() - began:7.1f} s")


# --- Helpers ---------------------------------------------------------------------------------------


def apportion(total: int, weights: list[float], caps: list[int] | None = None) -> list[int]:
    """Split `total` into whole shares proportional to `weights` (largest remainders), none over
    its cap; exact unless the caps together hold less than `total`."""
    n = len(weights)
    counts = [0] * n
    free = [i for i in range(n) if weights[i] > 0 and (caps is None or caps[i] > 0)]
    remaining = total
    while free and remaining > 0:
        weight = sum(weights[i] for i in free)
        shares = {i: remaining * weights[i] / weight for i in free}
        over = [i for i in free if caps is not None and shares[i] >= caps[i]]
        if over:  # these take their cap; the rest is shared again among the others
            for i in over:
                counts[i] = caps[i]
                remaining -= caps[i]
            taken = set(over)
            free = [i for i in free if i not in taken]
            continue
        floors = {i: int(shares[i]) for i in free}
        for i in free:
            counts[i] = floors[i]
        left = remaining - sum(floors.values())
        for i in sorted(free, key=lambda i: (floors[i] - shares[i], i))[:left]:
            counts[i] += 1
        break
    return counts


def cents(value: int) -> str:
    return f"{value // 100}.{value % 100:02d}"


def copy_rows(table: str, columns: Iterable[str], lines: Iterable[str], batch: int = 5000) -> int:
    """COPY text lines (tab-separated, newline-ended, `\\N` for null) into `table`."""
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    rows = 0
    buffer: list[str] = []
    with connection.connection.cursor() as cursor, cursor.copy(sql) as copy:
        for line in lines:
            buffer.append(line)
            if len(buffer) >= batch:
                copy.write("".join(buffer))
                rows += len(buffer)
                buffer.clear()
        if buffer:
            copy.write("".join(buffer))
            rows += len(buffer)
    return rows


def max_id(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # nosec B608  # noqa: S608
        return cursor.fetchone()[0]


@dataclass
class _Client:
    id: int
    code: str
    manager_id: int | None
    lo: int  # first day index it may order on
    hi: int  # last day index it may order on
    weight: float
    column: int  # index into the price columns
    phones: list[str] = field(default_factory=list)
    joined: int = 0  # day index
    terms: int = 0
    region: str = ""
    address: str = ""
    contact: str = ""
    contact_phone: str = ""
    basket: list[int] = field(default_factory=list)
    orders: int = 0
    last_order: int | None = None


class _Loader:
    def __init__(self, *, scale: float, seed: int, today: date, log: Callable[[str], None]) -> None:
        self.rng = random.Random(seed)  # nosec B311
        self.counts = counts_for(scale)
        self.scale = scale
        self.log = log
        self.today = today
        # Days are indices into a grid from five years and a bit ago to two months ahead.
        self.day0 = today - timedelta(days=5 * 365 + 10)
        self.today_i = (today - self.day0).days
        self.first_i = self.today_i - 3 * 365  # the three years of history
        tz = timezone.get_current_timezone()
        self.day_str: list[str] = []
        self.offset: list[str] = []
        self.weekday: list[int] = []
        for i in range(self.today_i + 61):  # due dates run up to 45 days ahead
            day = self.day0 + timedelta(days=i)
            self.day_str.append(day.isoformat())
            offset = int(datetime.combine(day, clock(12), tz).utcoffset().total_seconds()) // 60
            sign = "+" if offset >= 0 else "-"
            self.offset.append(f"{sign}{abs(offset) // 60:02d}:{abs(offset) % 60:02d}")
            self.weekday.append(day.weekday())
        self.hms = [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in range(86400)]

    def at(self, day: int, second: int) -> str:
        """A timestamp with its offset: `second` of the local day `day`."""
        return f"{self.day_str[day]} {self.hms[second]}{self.offset[day]}"

    def step(self, what: str, rows: int, since: float) -> None:
        self.log(f"  {what:<28} {rows:>10,} rows {time.monotonic() - since:7.1f} s")

    # --- the load --------------------------------------------------------------------------------

    def run(self) -> dict[str, int]:
        c = self.counts
        self.log(
            f"Loading the benchmark data set at scale {self.scale:g}: {c['clients']:,} clients, "
            f"{c['orders']:,} orders, {c['order lines']:,} lines, {c['receivables']:,} receivables, "
            f"{c['calls']:,} calls"
        )
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            cursor.execute("SET LOCAL synchronous_commit = off")
        since = time.monotonic()
        staff = self.make_staff()
        self.step("staff", staff, since)
        since = time.monotonic()
        dropped = self.drop_secondary()
        self.log(
            f"  dropped {len(dropped[0])} secondary indexes and {len(dropped[1])} foreign keys "
            f"{time.monotonic() - since:.1f} s"
        )
        loaded = {"staff": staff}
        loaded.update(self.load_catalog())
        self.plan_clients()
        loaded.update(self.load_orders())
        loaded.update(self.load_clients())
        loaded["receivables"] = self.load_receivables()
        loaded["calls"] = self.load_calls()
        since = time.monotonic()
        self.set_sequences()
        self.restore_secondary(*dropped)
        self.log(
            f"  recreated {len(dropped[0])} indexes and {len(dropped[1])} foreign keys "
            f"{time.monotonic() - since:7.1f} s"
        )
        return loaded

    # --- staff -----------------------------------------------------------------------------------

    def make_staff(self) -> int:
        """The demo staff, then the bench operators and managers with set_role's result (role
        group, no admin access), the password hashed once."""
        ensure_demo_staff()
        departments = {d.code: d for d in Department.objects.all()}
        operators = max(4, round(OPERATORS * self.scale))
        managers = max(6, round(MANAGERS * self.scale))
        retail = regional = managers * 8 // 30 or 2
        wholesale = managers - retail - regional
        kams = max(1, wholesale * 2 // 7)
        names = [f"{first} {last}" for last in CONTACT_LAST for first in CONTACT_FIRST]
        random.Random(1).shuffle(names)  # nosec B311
        specs = [(f"bench_op{i:02d}", Role.OPERATOR, "call_center", False) for i in range(1, operators + 1)]
        departments_of = ["wholesale"] * wholesale + ["retail"] * retail + ["regional"] * regional
        for i, department in enumerate(departments_of, start=1):
            specs.append(
                (f"bench_mgr{i:02d}", Role.MANAGER, department, department == "wholesale" and i <= kams)
            )
        existing = set(
            User.objects.filter(username__in=[s[0] for s in specs]).values_list("username", flat=True)
        )
        password = make_password(DEMO_PASSWORD)  # hashed once: PBKDF2 is slow on purpose
        User.objects.bulk_create(
            [
                User(
                    username=username,
                    full_name=names[i % len(names)],
                    email=f"{username}@calldesk.example",
                    password=password,
                    department=departments[department],
                    key_account=key_account,
                    is_staff=False,
                    is_superuser=False,
                )
                for i, (username, _role, department, key_account) in enumerate(specs)
                if username not in existing
            ]
        )
        users = {u.username: u for u in User.objects.filter(username__in=[s[0] for s in specs])}
        groups = {g.name: g for g in Group.objects.filter(name__in=Role.values)}
        User.groups.through.objects.bulk_create(
            [
                User.groups.through(user_id=users[username].pk, group_id=groups[role.value].pk)
                for username, role, _department, _key in specs
            ],
            ignore_conflicts=True,
        )
        self.operator_ids = [users[s[0]].pk for s in specs if s[1] == Role.OPERATOR]
        self.managers_of: dict[str, list[int]] = {"wholesale": [], "key": [], "retail": [], "regional": []}
        for username, role, department, key_account in specs:
            if role == Role.MANAGER:
                self.managers_of["key" if key_account else department].append(users[username].pk)
        self.head_of = dict(Department.objects.values_list("code", "head_id"))
        self.type_department = dict(ClientType.objects.values_list("code", "department__code"))
        return len(specs)

    # --- indexes and foreign keys --------------------------------------------------------------

    def big_tables(self) -> list[str]:
        return [m._meta.db_table for m in (Client, ClientPhone, Contact, Receivable, Order, OrderLine, Call)]

    def drop_secondary(self) -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str]]]:
        """Drop the big tables' non-unique indexes and their foreign keys; return their exact
        definitions (pg_indexes, pg_constraint) so that they are recreated the same way."""
        tables = self.big_tables()
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT i.tablename, i.indexname, i.indexdef FROM pg_indexes i
                WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s)
                  AND i.indexdef NOT LIKE 'CREATE UNIQUE INDEX%%'
                  AND NOT EXISTS (
                      SELECT 1 FROM pg_constraint k
                      WHERE k.conname = i.indexname AND k.connamespace = current_schema()::regnamespace
                  )
                ORDER BY i.tablename, i.indexname
                """,
                [tables],
            )
            indexes = cursor.fetchall()
            cursor.execute(
                """
                SELECT t.relname, k.conname, pg_get_constraintdef(k.oid) FROM pg_constraint k
                JOIN pg_class t ON t.oid = k.conrelid
                WHERE k.contype = 'f' AND t.relname = ANY(%s)
                  AND t.relnamespace = current_schema()::regnamespace
                ORDER BY t.relname, k.conname
                """,
                [tables],
            )
            foreign_keys = cursor.fetchall()
            # Deferred checks still pending (the staff just made) would stop ALTER TABLE: run them.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            for table, name, _definition in foreign_keys:
                cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
            for _table, name, _definition in indexes:
                cursor.execute(f"DROP INDEX {quote(name)}")
        return indexes, foreign_keys

    def restore_secondary(
        self, indexes: list[tuple[str, str, str]], foreign_keys: list[tuple[str, str, str]]
    ) -> None:
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            for _table, _name, definition in indexes:
                cursor.execute(definition)
            for table, name, definition in foreign_keys:
                cursor.execute(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}")

    def set_sequences(self) -> None:
        with connection.cursor() as cursor:
            for table in [*self.big_tables(), Product._meta.db_table, Price._meta.db_table]:
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence(%s, 'id'), MAX(id)) FROM {table}",  # nosec B608  # noqa: S608
                    [table],
                )

    # --- catalog ---------------------------------------------------------------------------------

    def load_catalog(self) -> dict[str, int]:
        since = time.monotonic()
        rng = random.Random(self.rng.random())  # nosec B311
        n = self.counts["products"]
        combos = [
            (category, item, brand, size, variant)
            for category, items in CATEGORIES.items()
            for item in items
            for brand in BRANDS
            for size in SIZES[category]
            for variant in VARIANTS
        ]
        rng.shuffle(combos)
        item_names = {}
        for category, items in CATEGORIES.items():
            russian = ITEMS.get(category, items)
            item_names.update({item: russian[k % len(russian)] for k, item in enumerate(items)})
        columns = list(PriceColumn.objects.order_by("position").values_list("id", "code"))
        self.column_index = {code: i for i, (_id, code) in enumerate(columns)}
        self.column_ids = [column_id for column_id, _code in columns]
        first = max_id(Product._meta.db_table) + 1
        self.product_ids = list(range(first, first + n))
        self.products_in: dict[str, list[int]] = {category: [] for category in CATEGORIES}
        product_rows = []
        base: list[int] = []
        self.vat_rates: list[int] = []  # III.10, III.12: 10 % for the foods of the list, else 20 %
        for i in range(n):
            category, item, brand, size, variant = combos[i % len(combos)]
            suffix = f" #{i // len(combos) + 1}" if i >= len(combos) else ""
            self.products_in[category].append(i)
            new_until = self.day_str[self.today_i + 10] if i % 97 == 0 else "\\N"
            sku = f"{SKU_PREFIX}{i + 1:05d}"
            name = f"{item_names[item]} «{brand}» {variant}, {russian_size(size)}{suffix}"
            vat_rate = CATEGORY_VAT.get(category, 20)
            self.vat_rates.append(vat_rate)
            product_rows.append(
                f"{first + i}\t{sku}\t{name}\tpcs\t"
                f"{rng.choice([6, 8, 12, 12, 20, 24])}\t{category}\t{'f' if i % 53 == 52 else 't'}\t"
                f"{new_until}\t{normalise(sku, name)}\t{vat_rate}\t0\tf\n"
            )
            wine = category == "Wine and spirits"
            base.append(rng.randint(2_500, 150_000) if wine else rng.randint(1_500, 40_000))
        self.price = [
            [round(b * (COLUMN_FACTORS[k] if k < 4 else 0.9 - 0.03 * (k - 3))) for b in base]
            for k in range(len(columns))
        ]
        self.price_str = [[cents(p) for p in row] for row in self.price]
        copy_rows(
            Product._meta.db_table,
            [
                "id",
                "sku",
                "name",
                "unit",
                "pack",
                "category",
                "active",
                "new_until",
                "search_text",
                "vat_rate",
                "min_quantity",
                "whole_packs",
            ],
            product_rows,
        )
        first_price = max_id(Price._meta.db_table) + 1
        price_rows = (
            f"{first_price + i * len(columns) + k}\t{self.price_str[k][i]}\t{column_id}\t{first + i}\n"
            for i in range(n)
            for k, column_id in enumerate(self.column_ids)
        )
        prices = copy_rows(Price._meta.db_table, ["id", "amount", "column_id", "product_id"], price_rows)
        # Every product in stock at the main warehouse (III.12), plenty: each added line and each
        # confirmation reads its stock and what open orders reserve, as on a real desk.
        warehouse = warehouse_by_code("main")
        if warehouse is not None:
            first_stock = max_id(Stock._meta.db_table) + 1
            now = self.at(self.today_i, 21_600)
            stock_rows = (
                f"{first_stock + i}\t{warehouse.pk}\t{first + i}\t1000000.000\t{now}\n" for i in range(n)
            )
            copy_rows(
                Stock._meta.db_table,
                ["id", "warehouse_id", "product_id", "quantity", "updated_at"],
                stock_rows,
            )
        self.warehouse_id = warehouse.pk if warehouse is not None else None
        self.step("products and prices", n + prices, since)
        return {"products": n, "prices": prices}

    # --- clients (planned first: their last order day is known once the orders are made) -------

    def plan_clients(self) -> None:
        rng = random.Random(self.rng.random())  # nosec B311
        n = self.counts["clients"]
        shares = apportion(n, [share for _code, share in TYPE_SHARES])
        codes = [
            code for (code, _share), count in zip(TYPE_SHARES, shares, strict=True) for _ in range(count)
        ]
        rng.shuffle(codes)
        ranks = list(range(n))
        rng.shuffle(ranks)
        first = max_id(Client._meta.db_table) + 1
        base_column = self.column_index.get("base", 0)
        self.clients: list[_Client] = []
        today_i, first_i = self.today_i, self.first_i
        for i, code in enumerate(codes):
            if rng.random() < 0.7:
                joined = today_i - rng.randint(3 * 365, 5 * 365)
            else:
                joined = today_i - rng.randint(14, 3 * 365 - 1)
            lo, hi = max(joined, first_i), today_i - 1
            if code == "market" and rng.random() < 0.2 and today_i - 180 - lo > 30:
                hi = rng.randint(lo + 30, today_i - 180)  # stopped ordering: dormant (III.16)
            managers = self.managers_of["key" if code == "key" else self.type_department[code]]
            manager = None if rng.random() < 0.01 else rng.choice(managers)
            weight = (n / (ranks[i] + 0.5)) ** (1 / PARETO_ALPHA) * TYPE_ORDERING[code] * (hi - lo + 1) / 1095
            client = _Client(
                id=first + i,
                code=code,
                manager_id=manager,
                lo=lo,
                hi=hi,
                weight=weight,
                column=self.column_index.get(TYPE_COLUMN.get(code, "base"), base_column),
                joined=joined,
            )
            self.clients.append(client)

    def load_clients(self) -> dict[str, int]:
        since = time.monotonic()
        rng = random.Random(self.rng.random())  # nosec B311
        types = {t.code: (t.pk, t.department_id) for t in ClientType.objects.all()}
        cols = [
            "id", "name", "tax_id", "region", "address", "credit_limit", "payment_terms_days",
            "joined_on", "created_at", "manager_id", "type_id", "department_id", "last_order_on",
            "search_text", "language", "price_column_reason", "email", "order_form_by_email",
        ]  # fmt: skip

        def rows() -> Iterator[str]:
            for i, client in enumerate(self.clients):
                code = client.code
                type_id, department_id = types[code]
                if code == "key":
                    limit = rng.choice(KEY_LIMITS)
                    terms = 45
                else:
                    limit = rng.choice(LIMITS)
                    terms = client.terms
                last = self.day_str[client.last_order] if client.last_order is not None else NULL
                name = f"{rng.choice(CLIENT_KINDS[code])} «{rng.choice(CLIENT_NAMES)}» #B{i + 1}"
                tax_id = f"50{i + 1:010d}"
                yield (
                    f"{client.id}\t{name}\t"
                    f"{tax_id}\t{client.region}\t{client.address}\t"
                    f"{NULL if limit is None else cents(limit)}\t{terms}\t{self.day_str[client.joined]}\t"
                    f"{self.at(client.joined, 36_000 + i % 3600)}\t"
                    f"{NULL if client.manager_id is None else client.manager_id}\t{type_id}\t"
                    f"{department_id}\t{last}\t{normalise(name, tax_id)}\t{LANGUAGE}\t\t\tf\n"
                )

        clients = copy_rows(Client._meta.db_table, cols, rows())
        self.step("clients", clients, since)

        since = time.monotonic()
        first = max_id(ClientPhone._meta.db_table) + 1
        phone_rows = (
            f"{first + k}\t{number}\t{'office' if position == 0 else 'mobile'}\t{client.id}\n"
            for k, (client, position, number) in enumerate(
                (client, position, number)
                for client in self.clients
                for position, number in enumerate(client.phones)
            )
        )
        phones = copy_rows(ClientPhone._meta.db_table, ["id", "number", "label", "client_id"], phone_rows)
        self.step("client phones", phones, since)

        since = time.monotonic()
        first = max_id(Contact._meta.db_table) + 1
        contact_rows = (
            f"{first + i}\t{client.contact}\t{'Owner' if i % 3 else 'Storekeeper'}\t{client.contact_phone}\t"
            f"\tt\t{client.id}\n"
            for i, client in enumerate(self.clients)
        )
        contacts = copy_rows(
            Contact._meta.db_table,
            ["id", "name", "position", "phone", "email", "may_receive_goods", "client_id"],
            contact_rows,
        )
        self.step("contacts", contacts, since)
        return {"clients": clients, "phones": phones, "contacts": contacts}

    def describe_clients(self, rng: random.Random) -> None:
        """Phones, contact, region, address and terms: what the orders repeat."""
        total_phones = 0
        numbers_of = []
        for _client in self.clients:
            numbers_of.append(1 if rng.random() < 0.65 else 2)
            total_phones += numbers_of[-1]
        pool = rng.sample(range(len(PHONE_PREFIXES) * 10_000_000), total_phones)
        k = 0
        for client, count in zip(self.clients, numbers_of, strict=True):
            for _ in range(count):
                x = pool[k]
                k += 1
                client.phones.append(f"+7{PHONE_PREFIXES[x // 10_000_000]}{x % 10_000_000:07d}")
            client.contact = f"{rng.choice(CONTACT_FIRST)} {rng.choice(CONTACT_LAST)}"
            client.contact_phone = client.phones[-1]
            client.region = rng.choice(REGIONS["regional"] if client.code == "regional" else REGIONS["other"])
            client.address = f"{client.region}, {rng.choice(STREETS)} st. {rng.randint(1, 150)}"
            client.terms = rng.choice(TERMS)

    # --- orders and their lines ------------------------------------------------------------------

    def load_orders(self) -> dict[str, int]:
        since = time.monotonic()
        rng = random.Random(self.rng.random())  # nosec B311
        self.describe_clients(rng)
        n_orders, n_lines = self.counts["orders"], self.counts["order lines"]
        clients = self.clients
        caps = [(c.hi - c.lo + 1) * (2 if c.code == "key" else 1) for c in clients]
        per_client = apportion(n_orders, [c.weight for c in clients], caps)
        n_orders = sum(per_client)  # short only if the caps cannot hold them (a tiny scale)
        weekday = self.weekday
        planned: list[tuple[int, int, int]] = []  # (day, second, client index)
        for ci, count in enumerate(per_client):
            client = clients[ci]
            client.orders = count
            lo, span = client.lo, client.hi - client.lo + 1
            for _ in range(count):
                day = lo + rng.randrange(span)
                if weekday[day] == 6 and span > 1:  # no deliveries ordered on Sundays
                    day = day + 1 if day < client.hi else day - 1
                planned.append((day, rng.randrange(30_600, 68_400), ci))
        planned.sort()

        # Lines per order: 1 + an exponential tail, then nudged to the exact total.
        max_lines = min(MAX_LINES, len(self.product_ids))
        n_lines = min(n_lines, n_orders * max_lines)
        mean = n_lines / max(n_orders, 1)
        sizes = [
            min(max_lines, 1 + int(rng.expovariate(1 / (mean - 0.5)))) if mean > 1 else 1
            for _ in range(n_orders)
        ]
        diff = n_lines - sum(sizes)
        while diff:
            j = rng.randrange(n_orders)
            if diff > 0 and sizes[j] < max_lines:
                sizes[j] += 1
                diff -= 1
            elif diff < 0 and sizes[j] > 1:
                sizes[j] -= 1
                diff += 1

        # What each client usually buys: products of its type's categories (III.7, III.8).
        pools = {
            code: [p for category in TYPE_TASTE[code] for p in self.products_in[category]]
            for code in TYPE_ORDERING
        }
        n_products = len(self.product_ids)
        for client in clients:
            pool = pools[client.code] or list(range(n_products))
            client.basket = rng.sample(pool, min(len(pool), rng.randint(12, 40))) if client.orders else []

        first_order = max_id(Order._meta.db_table) + 1
        first_line = max_id(OrderLine._meta.db_table) + 1
        sequences = dict(OrderNumberSequence.objects.values_list("year", "last_value"))
        column_ids, product_ids = self.column_ids, self.product_ids
        price, price_str = self.price, self.price_str
        base_column = self.column_index.get("base", 0)
        base_price, base_str = price[base_column], price_str[base_column]
        operators = self.operator_ids
        kams = self.managers_of["key"]
        today_i = self.today_i
        order_rows: list[str] = []
        self.order_calls: dict[int, list[tuple[int, int, int, int, int]]] = {}
        day_str = self.day_str
        vat_rates = self.vat_rates
        warehouse = NULL if self.warehouse_id is None else self.warehouse_id

        def line_rows() -> Iterator[str]:
            line_id = first_line
            for j, (day, second, ci) in enumerate(planned):
                client = clients[ci]
                order_id = first_order + j
                year = int(day_str[day][:4])
                number = sequences.get(year, 0) + 1
                sequences[year] = number
                size = sizes[j]
                basket = client.basket
                take = min(len(basket), size - size // 5)
                picked = rng.sample(basket, take) if take else []
                if len(picked) < size:
                    seen = set(picked)
                    while len(picked) < size:
                        p = rng.randrange(n_products)
                        if p not in seen:
                            seen.add(p)
                            picked.append(p)
                column = client.column
                unit, unit_str = price[column], price_str[column]
                times = 2 if client.code == "key" else 1
                total = base_total = vat_total = 0
                for p in picked:
                    quantity = rng.choice(QUANTITIES) * times
                    line_total = quantity * unit[p]
                    total += line_total
                    base_total += quantity * base_price[p]
                    rate = vat_rates[p]
                    # the VAT in the line's amount, the prices holding it, half-up to the kopeck
                    vat = (2 * line_total * rate + 100 + rate) // (2 * (100 + rate))
                    vat_total += vat
                    yield (
                        f"{line_id}\t{order_id}\t{product_ids[p]}\t{quantity}\t{unit_str[p]}\t"
                        f"{base_str[p]}\t{cents(line_total)}\t\\N\t{unit_str[p]}\t{rate}\t{cents(vat)}\t\t0.00\n"
                    )
                    line_id += 1
                confirmed = second + rng.randint(180, 900)
                if client.code == "key":
                    taken_by = client.manager_id or rng.choice(kams)
                else:
                    taken_by = rng.choice(operators)
                    self.order_calls.setdefault(day, []).append((second, ci, taken_by, order_id, confirmed))
                delivery = day + 1
                while weekday[delivery] >= 5:
                    delivery += 1
                age = today_i - day
                if rng.random() < 0.02:
                    status = "cancelled"
                    changed = self.at(day, confirmed + rng.randint(600, 10_800))
                    code, reason = rng.choice(CANCEL_REASONS)
                else:
                    if client.last_order is None or day > client.last_order:
                        client.last_order = day
                    code, reason = "", ""
                    if age <= 2:
                        status, changed = "confirmed", self.at(day, confirmed)
                    else:
                        status, changed = "delivered", self.at(delivery, rng.randint(36_000, 64_800))
                if client.code == "regional":
                    if j % 3:
                        terms = (
                            f"shipping\t{rng.choice(['bank_transfer', 'prepayment'])}\t\\N\t{client.address}"
                        )
                        carrier = rng.choice(CARRIERS)
                    else:
                        terms = f"pickup\tcash_on_delivery\t{self.at(delivery, 36_000)}\t"
                        carrier = ""
                else:
                    terms, carrier = "\t\t\\N\t", ""
                order_rows.append(
                    f"{order_id}\t{year}-{number:06d}\t{status}\t{self.at(day, second)}\t"
                    f"{self.at(day, confirmed)}\t{cents(total)}\t{day_str[delivery]}\t\t{client.id}\t"
                    f"{taken_by}\t{column_ids[column]}\t{cents(base_total)}\t{reason}\t{carrier}\t"
                    f"{self.column_reason[column]}\t{client.address}\t10:00-18:00\t\\N\t\\N\t\t{terms}\t"
                    f"{client.contact}\t{client.contact_phone}\t{changed}\t{code}\t{warehouse}\t{cents(vat_total)}\n"
                )

        self.column_reason = [
            COLUMN_REASONS.get(code, "") for code in sorted(self.column_index, key=self.column_index.get)
        ]
        lines = copy_rows(
            OrderLine._meta.db_table,
            [
                "id",
                "order_id",
                "product_id",
                "quantity",
                "unit_price",
                "base_price",
                "total",
                "special_id",
                "list_price",
                "vat_rate",
                "vat",
                "promotion",
                "saving",
            ],
            line_rows(),
        )
        self.step("order lines", lines, since)
        since = time.monotonic()
        cols = [
            "id", "number", "status", "created_at", "confirmed_at", "total", "delivery_date", "notes",
            "client_id", "taken_by_id", "column_id", "base_subtotal", "cancel_reason", "carrier",
            "column_reason", "delivery_address", "delivery_window", "exception_at", "exception_by_id",
            "exception_reason", "fulfilment", "payment_form", "pickup_at", "shipping_address",
            "receiver_name", "receiver_phone", "status_changed_at", "cancel_code", "warehouse_id", "vat",
        ]  # fmt: skip
        orders = copy_rows(Order._meta.db_table, cols, order_rows)
        for year, last_value in sequences.items():
            OrderNumberSequence.objects.update_or_create(year=year, defaults={"last_value": last_value})
        self.step("orders", orders, since)
        return {"orders": orders, "order lines": lines}

    # --- receivables -----------------------------------------------------------------------------

    def load_receivables(self) -> int:
        since = time.monotonic()
        rng = random.Random(self.rng.random())  # nosec B311
        clients = self.clients
        per_client = apportion(self.counts["receivables"], [float(c.orders) for c in clients])
        if sum(per_client) == 0:  # nobody ordered (a tiny scale): spread them evenly
            per_client = apportion(self.counts["receivables"], [1.0] * len(clients))
        first = max_id(Receivable._meta.db_table) + 1
        today_i, day_str = self.today_i, self.day_str

        def rows() -> Iterator[str]:
            k = first
            for client, count in zip(clients, per_client, strict=True):
                if not count:
                    continue
                late_payer = rng.random() < 0.1
                terms = 45 if client.code == "key" else client.terms
                lo, span = client.lo, client.hi - client.lo + 1
                big = 5 if client.code in ("key", "regional") else 1
                for _ in range(count):
                    issued = lo + rng.randrange(span)
                    due = issued + terms
                    amount = rng.randint(300_000, 15_000_000) * big // 10
                    if due >= today_i:  # not due yet: unpaid or paid in part
                        paid = 0 if rng.random() < 0.7 else amount // 2
                    elif late_payer and (today_i - due < 120 or rng.random() < 0.05):
                        paid = 0 if rng.random() < 0.5 else amount * rng.randint(1, 9) // 10  # overdue
                    else:
                        paid = amount
                    yield (
                        f"{k}\tINV-B{k - first + 1:08d}\t{day_str[issued]}\t{day_str[due]}\t"
                        f"{cents(amount)}\t{cents(paid)}\t{client.id}\n"
                    )
                    k += 1

        receivables = copy_rows(
            Receivable._meta.db_table,
            ["id", "document", "issued_on", "due_on", "amount", "paid", "client_id"],
            rows(),
        )
        self.step("receivables", receivables, since)
        return receivables

    # --- calls -----------------------------------------------------------------------------------

    def load_calls(self) -> int:
        """Every order an operator took came in on a call; the other calls are spread over the
        days (fewer at weekends), mostly from known clients, as often as they order."""
        since = time.monotonic()
        rng = random.Random(self.rng.random())  # nosec B311
        clients = self.clients
        n_calls = self.counts["calls"]
        days = range(self.first_i, self.today_i)
        order_calls = sum(len(self.order_calls.get(day, ())) for day in days)
        if order_calls > n_calls:  # cannot happen at the shipped proportions; keep the count exact
            order_calls = n_calls
        per_day = apportion(
            n_calls - order_calls, [(1.0, 1.0, 1.0, 1.0, 1.0, 0.4, 0.1)[self.weekday[d]] for d in days]
        )
        cumulative = list(accumulate(c.weight for c in clients))
        population = range(len(clients))
        operators = self.operator_ids
        first = max_id(Call._meta.db_table) + 1
        head_of = self.head_of
        type_department = self.type_department
        left = order_calls

        def rows() -> Iterator[str]:
            nonlocal left
            call_id = first
            for d, others in zip(days, per_day, strict=True):
                taken = self.order_calls.get(d, [])[: max(left, 0)]
                left -= len(taken)
                todays = [(second, 0, ci, op, order_id, end) for second, ci, op, order_id, end in taken]
                picks = rng.choices(population, cum_weights=cumulative, k=others) if others else []
                for ci in picks:
                    todays.append((rng.randrange(28_800, 72_000), 1, ci, rng.choice(operators), 0, 0))
                todays.sort()
                for second, kind, ci, operator, order_id, end in todays:
                    client = clients[ci]
                    if kind == 0:  # the call an order was taken on
                        start = second - rng.randint(30, 240)
                        yield (
                            f"{call_id}\tinbound\t{client.phones[0]}\t{self.at(d, start)}\t"
                            f"{self.at(d, end + rng.randint(20, 120))}\torder\torder_taken\t\t\t\t"
                            f"operator\t\tIII.3\tTake the order.\t{client.id}\t{operator}\t{order_id}\t\\N\n"
                        )
                        call_id += 1
                        continue
                    r = rng.random()
                    known = client.joined <= d and r < 0.92
                    phone = (
                        client.phones[0] if known else f"+7{UNKNOWN_PREFIX}{rng.randrange(10_000_000):07d}"
                    )
                    outbound = known and rng.random() < 0.2
                    declined = transfer = ""
                    transferred_to = "\\N"
                    r = rng.random()
                    if outbound:
                        purpose = "order"
                        if r < 0.35:
                            outcome = "no_answer"
                        elif r < 0.7:
                            outcome, declined = "declined", rng.choice(DECLINED)
                        elif r < 0.85:
                            outcome = "callback"
                        else:
                            outcome, purpose = "info_sent", "reference"
                    elif r < 0.3:
                        purpose, outcome, transfer = "other", "transferred", rng.choice(TRANSFER_REASONS)
                        if known:
                            to = client.manager_id or head_of.get(type_department[client.code])
                        else:
                            to = head_of.get("wholesale")
                        transferred_to = "\\N" if to is None else to
                    elif r < 0.45:
                        purpose, outcome = "reference", "info_sent"
                    elif r < 0.55:
                        purpose, outcome = "other", "feedback"
                    elif r < 0.58:
                        purpose, outcome = "other", "consulted_head"
                    elif r < 0.68:
                        purpose, outcome = "order", "callback"
                    else:
                        purpose, outcome, declined = "order", "declined", rng.choice(DECLINED)
                    length = 15 if outcome == "no_answer" else rng.randint(30, 600)
                    yield (
                        f"{call_id}\t{'outbound' if outbound else 'inbound'}\t{phone}\t{self.at(d, second)}\t"
                        f"{self.at(d, second + length)}\t{purpose}\t{outcome}\t{declined}\t{transfer}\t"
                        f"\t\t\t\t\t{client.id if known else NULL}\t{operator}\t\\N\t{transferred_to}\n"
                    )
                    call_id += 1

        cols = [
            "id", "direction", "phone", "started_at", "ended_at", "purpose", "outcome", "declined_reason",
            "transfer_reason", "notes", "route_handler", "route_user", "route_clause", "route_reason",
            "client_id", "operator_id", "order_id", "transferred_to_id",
        ]  # fmt: skip
        calls = copy_rows(Call._meta.db_table, cols, rows())
        self.step("calls", calls, since)
        return calls
