"""The demo data set: deterministic, realistic, and fast (bulk inserts).

`seed_demo(clients=N, seed=S, today=D)` gives the same rows for the same arguments. It makes:
staff in departments (one demo login per role), a catalog priced in every column, clients of
every type in realistic proportions with phones and managers (some without one: new clients for
the head's queue, III.15), an order history in which each client's traditional products emerge
(III.7), receivables with some overdue and some over the limit (III.5), and market clients who
stopped ordering more than six months ago (dormant, III.16).

Later issues extend it with their own data.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from clients.models import Client, ClientPhone, ClientType, Contact, Receivable
from clients.services import set_role
from orders.models import (
    DiscountRule,
    Order,
    OrderLine,
    OrderNumberSequence,
    Price,
    PriceColumn,
    Product,
    Special,
)
from staff.models import Department, Role, User

DEMO_PASSWORD = "calldesk-demo"  # nosec B105  # noqa: S105 - printed for the demo; never a real account
CENT = Decimal("0.01")

# username, full name, role, department, key-account: the demo logins, one per role.
DEMO_LOGINS = [
    ("operator", "Olga Smirnova", Role.OPERATOR, "call_center", False),
    ("manager", "Oleg Ivanov", Role.MANAGER, "wholesale", False),
    ("kam", "Irina Petrova", Role.MANAGER, "wholesale", True),
    ("head", "Sergey Volkov", Role.HEAD, "wholesale", False),
    ("finance", "Natalia Orlova", Role.FINANCE, "finance", False),
    ("commercial", "Dmitry Sokolov", Role.COMMERCIAL, "wholesale", False),
    ("admin", "Anna Kuznetsova", Role.ADMIN, None, False),
]
# The rest of the staff, who serve the clients beside the demo logins.
OTHER_STAFF = [
    ("operator2", "Marina Egorova", Role.OPERATOR, "call_center", False),
    ("operator3", "Pavel Nikitin", Role.OPERATOR, "call_center", False),
    ("operator4", "Yulia Fedorova", Role.OPERATOR, "call_center", False),
    ("manager2", "Andrey Morozov", Role.MANAGER, "wholesale", False),
    ("kam2", "Elena Vasilyeva", Role.MANAGER, "wholesale", True),
    ("retail1", "Tatiana Pavlova", Role.MANAGER, "retail", False),
    ("retail2", "Maxim Semenov", Role.MANAGER, "retail", False),
    ("regional1", "Viktor Golubev", Role.MANAGER, "regional", False),
    ("regional2", "Svetlana Vinogradova", Role.MANAGER, "regional", False),
    ("head_retail", "Alexey Bogdanov", Role.HEAD, "retail", False),
    ("head_regional", "Ekaterina Kozlova", Role.HEAD, "regional", False),
    ("head_calls", "Roman Lebedev", Role.HEAD, "call_center", False),
]
# Who is away when the demo starts, so that every routing rule has a live example (III.4, III.6):
# Elena's key clients go to Irina, Andrey's debtors go to finance. Set once, at creation.
AWAY_AT_START = {
    "kam2": User.Presence.ABSENT,
    "manager2": User.Presence.ABSENT,
    "retail2": User.Presence.BUSY,
}
DEPARTMENT_HEADS = {
    "wholesale": "head",
    "retail": "head_retail",
    "regional": "head_regional",
    "call_center": "head_calls",
    "finance": "finance",
}

# Client types in realistic proportions for a wholesale food-and-drink distributor.
TYPE_SHARES = [("market", 45), ("retail", 25), ("regional", 15), ("own_outlet", 8), ("key", 7)]

CATEGORIES = {
    "Soft drinks": ["Cola", "Lemonade", "Tarragon soda", "Kvass", "Orange soda", "Tonic", "Mineral water"],
    "Juices": ["Apple juice", "Orange juice", "Tomato juice", "Cherry nectar", "Multifruit nectar"],
    "Beer": ["Lager", "Pale ale", "Wheat beer", "Dark beer", "Non-alcoholic beer"],
    "Wine and spirits": ["Vodka", "Dry red wine", "Dry white wine", "Sparkling wine", "Brandy", "Cider"],
    "Dairy": ["Milk 3.2%", "Kefir", "Sour cream", "Cottage cheese", "Butter", "Yogurt"],
    "Grocery": ["Buckwheat", "Rice", "Pasta", "Sunflower oil", "Sugar", "Flour", "Black tea", "Coffee"],
    "Snacks": ["Crisps", "Salted crackers", "Sunflower seeds", "Peanuts", "Dried fish", "Chocolate bar"],
    "Canned food": ["Sprats", "Stewed beef", "Green peas", "Sweet corn", "Pickled cucumbers", "Tomato paste"],
}
BRANDS = ["Severnaya", "Volga", "Zarya", "Kolos", "Rodnik", "Altai", "Baikal", "Kuban", "Ural", "Sadko"]
SIZES = {
    "Soft drinks": ["0.5 l", "1.5 l", "2 l"],
    "Juices": ["0.2 l", "1 l"],
    "Beer": ["0.45 l can", "0.5 l bottle", "1.5 l"],
    "Wine and spirits": ["0.5 l", "0.7 l", "0.75 l"],
    "Dairy": ["0.9 kg", "0.5 kg", "0.2 kg"],
    "Grocery": ["1 kg", "0.9 l", "0.25 kg"],
    "Snacks": ["70 g", "150 g", "40 g"],
    "Canned food": ["240 g", "325 g", "680 g"],
}
# What each type of client buys most (its type's traditional categories, III.7, III.8).
TYPE_TASTE = {
    "market": ["Grocery", "Canned food", "Snacks", "Soft drinks"],
    "retail": ["Dairy", "Juices", "Snacks", "Soft drinks", "Beer"],
    "regional": ["Grocery", "Canned food", "Wine and spirits", "Beer"],
    "own_outlet": ["Beer", "Wine and spirits", "Snacks", "Soft drinks"],
    "key": ["Wine and spirits", "Beer", "Juices", "Dairy", "Grocery"],
}
NAME_FIRST = [
    "Rodnik",
    "Kolos",
    "Zarya",
    "Solnyshko",
    "Vesna",
    "Lakomka",
    "Sever",
    "Yug",
    "Teremok",
    "Ryabinka",
    "Berezka",
    "Ogonyok",
    "Dubrava",
    "Kalinka",
    "Izumrud",
    "Almaz",
    "Raduga",
    "Vityaz",
    "Sokol",
    "Yantar",
    "Mayak",
    "Prostor",
    "Uyut",
    "Dobrynya",
    "Zhuravl",
]
NAME_KIND = {
    "market": ["stall", "pavilion", "market trader", "kiosk"],
    "retail": ["shop", "minimarket", "grocery", "store"],
    "regional": ["Trading House", "wholesale depot", "distribution", "trading"],
    "own_outlet": ["outlet", "brand shop"],
    "key": ["supermarket chain", "hypermarket", "retail chain"],
}
REGIONS = {
    "regional": ["Tver", "Tula", "Ryazan", "Kaluga", "Vladimir", "Yaroslavl", "Smolensk", "Kostroma"],
    "other": ["Moscow", "Moscow", "Moscow", "Moscow region"],
}
CONTACT_FIRST = ["Ivan", "Maria", "Pyotr", "Anna", "Nikolai", "Olga", "Sergey", "Elena", "Mikhail", "Irina"]
CONTACT_LAST = ["Popov", "Sidorova", "Kuzmin", "Belova", "Zaitsev", "Orlova", "Frolov", "Guseva", "Makarov"]
STREETS = [
    "Lenina",
    "Mira",
    "Sadovaya",
    "Tverskaya",
    "Profsoyuznaya",
    "Lesnaya",
    "Shkolnaya",
    "Sovetskaya",
    "Zavodskaya",
    "Polevaya",
    "Tsentralnaya",
    "Molodezhnaya",
]


# Historic orders keep the column they were taken at, with the reason the desk gave then.
COLUMN_REASONS = {
    "base": "base prices: no discount rule applies",
    "column_2": "Column 2: own outlet client",
    "column_3": "Column 3: regional client",
    "column_4": "Column 4: key client",
}


@dataclass
class SeedReport:
    created: bool
    users: list[tuple[str, str, str]] = field(default_factory=list)  # username, role, full name
    counts: dict[str, int] = field(default_factory=dict)


def money(value: Decimal | float | int) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def ensure_demo_staff() -> list[tuple[str, str, str]]:
    """Create (or leave as they are) the demo staff and make each department's head. Idempotent."""
    departments = {d.code: d for d in Department.objects.all()}
    password = make_password(DEMO_PASSWORD)  # hashed once: PBKDF2 is slow on purpose
    for username, full_name, role, department, key_account in DEMO_LOGINS + OTHER_STAFF:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "full_name": full_name,
                "email": f"{username}@calldesk.example",
                "department": departments.get(department) if department else None,
                "key_account": key_account,
                "password": password,
                "presence": AWAY_AT_START.get(username, User.Presence.AVAILABLE),
            },
        )
        if created:
            set_role(user=user, role=role)
    for code, username in DEPARTMENT_HEADS.items():
        Department.objects.filter(code=code, head__isnull=True).update(
            head=User.objects.get(username=username)
        )
    return [(username, str(role.value), full_name) for username, full_name, role, *_ in DEMO_LOGINS]


def _aware(day: date, rng: random.Random) -> datetime:
    moment = time(hour=rng.randint(9, 17), minute=rng.randint(0, 59), second=rng.randint(0, 59))
    return timezone.make_aware(datetime.combine(day, moment))


def _working_day(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _make_catalog(
    rng: random.Random, today: date
) -> tuple[list[Product], dict[int, Decimal], dict[str, list[Product]]]:
    products: list[Product] = []
    number = 0
    for category, items in CATEGORIES.items():
        for item in items:
            for brand in rng.sample(BRANDS, 3):
                for size in SIZES[category]:
                    number += 1
                    new = number % 23 == 0
                    products.append(
                        Product(
                            sku=f"SKU-{number:05d}",
                            name=f"{brand} {item}, {size}",
                            unit="pcs",
                            pack=rng.choice([6, 8, 12, 12, 20, 24]),
                            category=category,
                            active=number % 41 != 0,
                            new_until=today + timedelta(days=rng.randint(10, 60)) if new else None,
                        )
                    )
    Product.objects.bulk_create(products, batch_size=1000)
    products = list(Product.objects.order_by("id"))
    columns = list(PriceColumn.objects.order_by("position"))
    factors = [
        Decimal("1.00"),
        Decimal("0.97"),
        Decimal("0.94"),
        Decimal("0.90"),
        Decimal("0.87"),
        Decimal("0.85"),
    ]
    base_price: dict[int, Decimal] = {}
    prices = []
    for product in products:
        base = money(
            rng.uniform(25, 1500) if product.category == "Wine and spirits" else rng.uniform(15, 400)
        )
        base_price[product.pk] = base
        for column, factor in zip(columns, factors, strict=False):
            prices.append(Price(product=product, column=column, amount=money(base * factor)))
    Price.objects.bulk_create(prices, batch_size=2000)
    by_category: dict[str, list[Product]] = defaultdict(list)
    for product in products:
        if product.active:
            by_category[product.category].append(product)
    return products, base_price, by_category


# The company's discount rules (III.10): column, client types, minimum subtotal at base, priority.
DISCOUNT_RULES = [
    ("Own outlets: column 2", "column_2", ["own_outlet"], "0.00", 10),
    ("Regional buyers: column 3", "column_3", ["regional"], "0.00", 10),
    ("Key clients: column 4", "column_4", ["key"], "0.00", 10),
    ("Retail over 20 000: column 2", "column_2", ["retail"], "20000.00", 10),
    ("Retail over 50 000: column 3", "column_3", ["retail"], "50000.00", 20),
    ("Any client over 100 000: column 2", "column_2", [], "100000.00", 5),
]


def _make_discount_rules_and_specials(rng, today, types, by_category, author) -> None:
    columns = {c.code: c for c in PriceColumn.objects.all()}
    for name, column, type_codes, minimum, priority in DISCOUNT_RULES:
        rule = DiscountRule.objects.create(
            name=name,
            column=columns[column],
            min_subtotal=Decimal(minimum),
            priority=priority,
            valid_from=today - timedelta(days=365),
            created_by=author,
        )
        rule.client_types.set([types[code] for code in type_codes])
    # Specials named by commercial management this month (III.7, III.23).
    picks = [
        ("Snacks", [], "Two packs for the price of one and a half, this month only."),
        ("Beer", ["market", "retail", "own_outlet"], "Summer beer promotion: 7% off the case."),
        ("Juices", [], "New season juices: a free display stand with 10 cases."),
    ]
    for category, type_codes, note in picks:
        product = rng.choice(by_category[category])
        special = Special.objects.create(
            product=product,
            valid_from=today.replace(day=1),
            valid_to=today + timedelta(days=30),
            note=note,
            created_by=author,
        )
        special.client_types.set([types[code] for code in type_codes])


def _pick_type(rng: random.Random) -> str:
    point = rng.uniform(0, 100)
    for code, share in TYPE_SHARES:
        if point < share:
            return code
        point -= share
    return TYPE_SHARES[0][0]


@transaction.atomic
def seed_demo(*, clients: int = 1000, seed: int = 42, today: date | None = None) -> SeedReport:
    """Load the demo data set once; a second call only makes sure the demo logins exist."""
    users = ensure_demo_staff()
    if Client.objects.exists():
        return SeedReport(created=False, users=users)

    rng = random.Random(seed)  # nosec B311
    today = today or timezone.localdate()
    types = {t.code: t for t in ClientType.objects.select_related("department")}
    staff = {
        u.username: u for u in User.objects.filter(username__in=[s[0] for s in DEMO_LOGINS + OTHER_STAFF])
    }
    managers_of = {
        "wholesale": [staff["manager"], staff["manager2"]],
        "key": [staff["kam"], staff["kam2"]],
        "retail": [staff["retail1"], staff["retail2"]],
        "regional": [staff["regional1"], staff["regional2"]],
    }
    operators = [staff["operator"], staff["operator2"], staff["operator3"], staff["operator4"]]

    products, base_price, by_category = _make_catalog(rng, today)
    _make_discount_rules_and_specials(rng, today, types, by_category, staff["commercial"])
    columns = {c.code: c for c in PriceColumn.objects.all()}
    column_factor = {
        "base": Decimal("1.00"),
        "column_2": Decimal("0.97"),
        "column_3": Decimal("0.94"),
        "column_4": Decimal("0.90"),
    }

    # Clients, phones.
    client_rows: list[Client] = []
    for index in range(clients):
        code = _pick_type(rng)
        client_type = types[code]
        department = client_type.department
        if code == "key":
            manager = rng.choice(managers_of["key"])
        elif rng.random() < 0.08:
            manager = None  # a new client: the department head assigns a manager (III.15)
        else:
            manager = rng.choice(managers_of.get(department.code, managers_of["wholesale"]))
        if code == "key":
            limit = None if rng.random() < 0.5 else money(rng.choice([1_000_000, 2_000_000, 5_000_000]))
        else:
            limit = rng.choice(
                [
                    None,
                    money(0),
                    money(30_000),
                    money(50_000),
                    money(100_000),
                    money(200_000),
                    money(300_000),
                    money(500_000),
                ]
            )
        region = rng.choice(REGIONS["regional"] if code == "regional" else REGIONS["other"])
        client_rows.append(
            Client(
                name=f"{rng.choice(NAME_FIRST)} {rng.choice(NAME_KIND[code])} #{index + 1}",
                tax_id=f"77{seed % 100:02d}{index:06d}",
                type=client_type,
                department=department,
                manager=manager,
                region=region,
                address=f"{region}, {rng.choice(STREETS)} st. {rng.randint(1, 150)}",
                credit_limit=limit,
                payment_terms_days=rng.choice([0, 7, 14, 14, 21, 30]) if code != "key" else 45,
                joined_on=today - timedelta(days=rng.randint(30, 4 * 365)),
            )
        )
    Client.objects.bulk_create(client_rows, batch_size=1000)
    client_rows = list(Client.objects.select_related("type").order_by("id"))

    phones: list[ClientPhone] = []
    phone_number = 0
    for client in client_rows:
        for position in range(1 if rng.random() < 0.7 else 2):
            phone_number += 1
            prefix = rng.choice(["495", "499", "916", "926", "903", "985"])
            phones.append(
                ClientPhone(
                    client=client,
                    number=f"+7{prefix}{(seed * 7919 + phone_number * 104729) % 10_000_000:07d}",
                    label="office" if position == 0 else "mobile",
                )
            )
    # Numbers are unique by construction per prefix; drop the rare collision across prefixes.
    seen: set[str] = set()
    phones = [p for p in phones if not (p.number in seen or seen.add(p.number))]
    ClientPhone.objects.bulk_create(phones, batch_size=2000)

    # Contacts: who orders and who may receive the goods (III.12).
    contacts = []
    for client in client_rows:
        # Every client has someone authorised to receive goods: the owner, or a storekeeper.
        if rng.random() < 0.5:
            people = [("Owner", True)]
        else:
            people = [("Owner", rng.random() < 0.3), ("Storekeeper", True)]
        for position, may_receive in people:
            contacts.append(
                Contact(
                    client=client,
                    name=f"{rng.choice(CONTACT_FIRST)} {rng.choice(CONTACT_LAST)}",
                    position=position,
                    phone=f"+7916{(seed * 31 + len(contacts) * 7907) % 10_000_000:07d}",
                    may_receive_goods=may_receive,
                )
            )
    Contact.objects.bulk_create(contacts, batch_size=2000)

    # Order history. Most clients order a little, a few a lot (Pareto); some market clients
    # stopped 7-20 months ago (dormant); some clients never ordered.
    orders: list[Order] = []
    order_lines: list[list[tuple[Product, Decimal, Decimal]]] = []
    history_start = today - timedelta(days=540)
    for client in client_rows:
        code = client.type.code
        if client.manager_id is None or rng.random() < 0.05:
            continue  # new client or never ordered
        taste = TYPE_TASTE[code]
        favourites = rng.sample(
            [p for category in taste for p in by_category[category]], k=min(8, rng.randint(3, 8))
        )
        activity = min(60, int(rng.paretovariate(1.3) * (3 if code == "key" else 2)))
        last_day = today - timedelta(days=1)
        if code == "market" and rng.random() < 0.2:
            last_day = today - timedelta(days=rng.randint(200, 600))  # dormant (III.16)
        first_day = max(history_start, client.joined_on)
        if last_day <= first_day:
            continue
        span = (last_day - first_day).days
        days = sorted(first_day + timedelta(days=rng.randint(0, span)) for _ in range(activity))
        if code != "market" or last_day >= today - timedelta(days=1):
            days.append(last_day - timedelta(days=rng.randint(0, 20)))
        column_code = {"key": "column_4", "regional": "column_3", "own_outlet": "column_2"}.get(code, "base")
        for day in days:
            if day < first_day:
                continue
            picked = rng.sample(favourites, k=min(len(favourites), rng.randint(2, 5)))
            if rng.random() < 0.3:
                picked.append(rng.choice(products))
            lines = []
            seen_products = set()
            for product in picked:
                if product.pk in seen_products:
                    continue
                seen_products.add(product.pk)
                quantity = Decimal(rng.choice([1, 2, 3, 5, 10, 12, 20, 24])) * (2 if code == "key" else 1)
                unit_price = money(base_price[product.pk] * column_factor[column_code])
                lines.append((product, quantity, unit_price))
            created = _aware(day, rng)
            age = (today - day).days
            if age <= 1:
                status = rng.choice([Order.Status.CONFIRMED, Order.Status.IN_FULFILMENT])
            elif rng.random() < 0.03:
                status = Order.Status.CANCELLED
            else:
                status = Order.Status.DELIVERED
            orders.append(
                Order(
                    client=client,
                    status=status,
                    column=columns[column_code],
                    taken_by=rng.choice(operators) if code != "key" else client.manager,
                    created_at=created,
                    confirmed_at=created + timedelta(minutes=rng.randint(3, 15)),
                    total=sum((money(q * p) for _, q, p in lines), Decimal("0.00")),
                    base_subtotal=sum((money(q * base_price[p.pk]) for p, q, _ in lines), Decimal("0.00")),
                    column_reason=COLUMN_REASONS[column_code],
                    delivery_date=_working_day(day + timedelta(days=1)),
                )
            )
            order_lines.append(lines)

    # Numbers in confirmation order, per year, without gaps.
    sequence: dict[int, int] = defaultdict(int)
    for order in sorted(orders, key=lambda o: o.confirmed_at):
        year = order.confirmed_at.year
        sequence[year] += 1
        order.number = f"{year}-{sequence[year]:06d}"
    Order.objects.bulk_create(orders, batch_size=2000)
    OrderNumberSequence.objects.bulk_create(
        [OrderNumberSequence(year=year, last_value=last) for year, last in sequence.items()]
    )
    saved = dict(Order.objects.values_list("number", "id"))
    line_rows = [
        OrderLine(
            order_id=saved[order.number],
            product=product,
            quantity=q,
            unit_price=p,
            base_price=base_price[product.pk],
            total=money(q * p),
        )
        for order, lines in zip(orders, order_lines, strict=True)
        for product, q, p in lines
    ]
    OrderLine.objects.bulk_create(line_rows, batch_size=5000)
    last_order: dict[int, date] = {}
    for order in orders:
        if order.status != Order.Status.CANCELLED:
            day = timezone.localtime(order.confirmed_at).date()
            last_order[order.client_id] = max(day, last_order.get(order.client_id, day))
    touched = [Client(pk=client_id, last_order_on=day) for client_id, day in last_order.items()]
    Client.objects.bulk_update(touched, ["last_order_on"], batch_size=2000)

    # Receivables: an invoice per delivered order of the last 120 days. Most are paid on time;
    # some clients pay late (overdue) and some run past their limit.
    late_payers = {c.pk for c in client_rows if rng.random() < 0.12}
    receivables: list[Receivable] = []
    terms = {c.pk: c.payment_terms_days for c in client_rows}
    for order in orders:
        if order.status not in (Order.Status.DELIVERED, Order.Status.IN_FULFILMENT, Order.Status.CONFIRMED):
            continue
        issued = order.delivery_date
        if issued is None or (today - issued).days > 120 or issued > today:
            continue
        due = issued + timedelta(days=terms[order.client_id])
        if due >= today:
            paid = money(0) if rng.random() < 0.7 else money(order.total * Decimal("0.5"))
        elif order.client_id in late_payers:
            paid = money(0) if rng.random() < 0.6 else money(order.total * Decimal("0.3"))
        else:
            paid = order.total
        receivables.append(
            Receivable(
                client_id=order.client_id,
                document=f"INV-{order.number}",
                issued_on=issued,
                due_on=due,
                amount=order.total,
                paid=paid,
            )
        )
    Receivable.objects.bulk_create(receivables, batch_size=5000)

    # Today's list of dormant market clients (III.16), as the nightly job would have built it,
    # and a running campaign of the head of wholesale (III.17).
    from calls.demo import seed_outbound_demo

    outbound = seed_outbound_demo(today=today)
    # The desk's recent weeks of calls and offers, this month's targets, and the report rows
    # built from them (III.25, section VI).
    from reports.demo import seed_reports_demo

    reports = seed_reports_demo(today=today)
    from orders.favourites import rebuild_type_favourites

    rebuild_type_favourites(on=today)  # what each client type buys, for the suggestions

    return SeedReport(
        created=True,
        users=users,
        counts={
            "clients": len(client_rows),
            "phones": len(phones),
            "contacts": len(contacts),
            "products": len(products),
            "orders": len(orders),
            "order lines": len(line_rows),
            "receivables": len(receivables),
            "dormant clients to call": outbound.dormant_tasks,
            "campaign calls": outbound.campaign_tasks,
            "calls in the register": reports.calls,
            "days of reports": reports.days_built,
        },
    )


def routing_examples(*, on: date, limit: int = 600) -> dict[str, tuple[str, str]]:
    """One demo phone per kind of route, for trying the desk: {handler: (phone, client name)}."""
    from clients.selectors import lookup_call

    examples: dict[str, tuple[str, str]] = {}
    wanted = 6  # operator, manager, key_account_manager, department_head, finance, plus key manager
    phones = ClientPhone.objects.select_related("client").order_by("client_id", "id")[:limit]
    seen_clients = set()
    for phone in phones:
        if phone.client_id in seen_clients:
            continue
        seen_clients.add(phone.client_id)
        route = lookup_call(phone=phone.number, on=on).route
        key = f"{route.handler} ({route.clause})"
        if key not in examples:
            examples[key] = (phone.number, phone.client.name)
        if len(examples) >= wanted:
            break
    return examples
