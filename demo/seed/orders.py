"""Demo catalogue and order history: products priced in every column, the company's discount
rules and this month's specials (III.10, III.23), and an order history in which each client's
traditional products emerge (III.7), with market clients who stopped ordering (dormant, III.16)."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from clients.models import Client, ClientType
from demo.seed.common import aware, money, working_day
from orders.favourites import rebuild_type_favourites
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
from staff.models import User

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
# Historic orders keep the column they were taken at, with the reason the desk gave then.
COLUMN_REASONS = {
    "base": "base prices: no discount rule applies",
    "column_2": "Column 2: own outlet client",
    "column_3": "Column 3: regional client",
    "column_4": "Column 4: key client",
}
# The price of a historic order's lines: the base price times its column's factor.
COLUMN_FACTOR = {
    "base": Decimal("1.00"),
    "column_2": Decimal("0.97"),
    "column_3": Decimal("0.94"),
    "column_4": Decimal("0.90"),
}


def make_catalog(
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


def seed_discount_rules_and_specials(
    rng: random.Random, *, today: date, by_category: dict[str, list[Product]], author: User
) -> None:
    types = {t.code: t for t in ClientType.objects.all()}
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


def seed_order_history(
    rng: random.Random,
    client_rows: list[Client],
    *,
    today: date,
    products: list[Product],
    base_price: dict[int, Decimal],
    by_category: dict[str, list[Product]],
    operators: list[User],
) -> tuple[list[Order], list[OrderLine]]:
    """Orders and their lines, numbered per year without gaps; each client's last order date."""
    columns = {c.code: c for c in PriceColumn.objects.all()}
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
                unit_price = money(base_price[product.pk] * COLUMN_FACTOR[column_code])
                lines.append((product, quantity, unit_price))
            created = aware(day, rng)
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
                    delivery_date=working_day(day + timedelta(days=1)),
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
    return orders, line_rows


def seed_type_favourites(*, today: date) -> None:
    """What each client type buys, for the operators' suggestions (III.7, III.8)."""
    rebuild_type_favourites(on=today)
