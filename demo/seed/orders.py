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
from demo.seed.common import DEFAULT_LOCALE, aligned, aware, check_locale, money, working_day
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
from orders.rules import line_money
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
# VAT (НДС) per category: 10 % for the foods of the government's list (milk, groceries, canned
# food), 20 % for drinks, snacks and the rest.
CATEGORY_VAT = {"Dairy": 10, "Grocery": 10, "Canned food": 10}
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
RU_COLUMN_REASONS = {
    "base": "базовые цены: скидки не применяются",
    "column_2": "Колонка 2: собственная точка",
    "column_3": "Колонка 3: региональный клиент",
    "column_4": "Колонка 4: ключевой клиент",
}
# The price of a historic order's lines: the base price times its column's factor.
COLUMN_FACTOR = {
    "base": Decimal("1.00"),
    "column_2": Decimal("0.97"),
    "column_3": Decimal("0.94"),
    "column_4": Decimal("0.90"),
}


# The Russian catalogue: the same products (each category's items and sizes as many as the Latin
# ones, so the same draws make the same catalogue), named as a Russian price list names them:
# the item, its brand in «», its size ("Молоко 3,2% «Колос» 1 л"). Each item has its sizes and a
# typical rouble price for each; the product's price is that price moved by the same draw that
# prices the Latin product (see `ru_price`).
RU_CATEGORY_NAMES = {
    "Soft drinks": "Безалкогольные напитки",
    "Juices": "Соки и нектары",
    "Beer": "Пиво",
    "Wine and spirits": "Вино и крепкие напитки",
    "Dairy": "Молочная продукция",
    "Grocery": "Бакалея",
    "Snacks": "Снеки",
    "Canned food": "Консервы",
}
SODA = ("0,5 л", "1,5 л", "2 л")
RU_ITEMS: dict[str, list[tuple[str, tuple[str, ...], tuple[int, ...]]]] = {
    "Soft drinks": [
        ("Кола", SODA, (65, 115, 139)),
        ("Лимонад", SODA, (49, 89, 109)),
        ("Тархун", SODA, (55, 95, 115)),
        ("Квас хлебный", SODA, (52, 95, 119)),
        ("Напиток апельсиновый", SODA, (55, 95, 115)),
        ("Тоник", SODA, (62, 105, 129)),
        ("Вода минеральная", SODA, (42, 69, 85)),
    ],
    "Juices": [
        ("Сок яблочный", ("0,2 л", "1 л"), (35, 119)),
        ("Сок апельсиновый", ("0,2 л", "1 л"), (39, 135)),
        ("Сок томатный", ("0,2 л", "1 л"), (35, 115)),
        ("Нектар вишнёвый", ("0,2 л", "1 л"), (37, 125)),
        ("Нектар мультифруктовый", ("0,2 л", "1 л"), (36, 119)),
    ],
    "Beer": [
        ("Пиво светлое", ("0,45 л ж/б", "0,5 л ст.", "1,5 л"), (75, 85, 209)),
        ("Эль светлый", ("0,45 л ж/б", "0,5 л ст.", "1,5 л"), (109, 119, 289)),
        ("Пиво пшеничное", ("0,45 л ж/б", "0,5 л ст.", "1,5 л"), (95, 105, 259)),
        ("Пиво тёмное", ("0,45 л ж/б", "0,5 л ст.", "1,5 л"), (85, 95, 229)),
        ("Пиво безалкогольное", ("0,45 л ж/б", "0,5 л ст.", "1,5 л"), (79, 89, 219)),
    ],
    "Wine and spirits": [
        ("Водка", ("0,5 л", "0,7 л", "0,75 л"), (449, 619, 659)),
        ("Вино красное сухое", ("0,5 л", "0,7 л", "0,75 л"), (379, 519, 559)),
        ("Вино белое сухое", ("0,5 л", "0,7 л", "0,75 л"), (359, 499, 539)),
        ("Вино игристое брют", ("0,5 л", "0,7 л", "0,75 л"), (349, 479, 519)),
        ("Коньяк российский 3 года", ("0,5 л", "0,7 л", "0,75 л"), (649, 889, 949)),
        ("Сидр яблочный", ("0,5 л", "0,7 л", "0,75 л"), (179, 239, 259)),
    ],
    "Dairy": [
        ("Молоко 3,2%", ("0,9 л", "1 л", "1,5 л"), (85, 95, 135)),
        ("Кефир 2,5%", ("0,5 л", "0,9 л", "1 л"), (55, 85, 92)),
        ("Сметана 20%", ("200 г", "300 г", "400 г"), (72, 99, 129)),
        ("Творог 9%", ("180 г", "200 г", "0,5 кг"), (95, 105, 249)),
        ("Масло сливочное 82,5%", ("180 г", "200 г", "0,5 кг"), (209, 229, 559)),
        ("Йогурт питьевой 2,5%", ("270 г", "0,5 кг", "0,9 кг"), (59, 95, 159)),
    ],
    "Grocery": [
        ("Крупа гречневая", ("0,8 кг", "0,9 кг", "1 кг"), (95, 105, 115)),
        ("Рис круглозёрный", ("0,8 кг", "0,9 кг", "1 кг"), (89, 99, 109)),
        ("Макароны", ("400 г", "450 г", "0,9 кг"), (65, 75, 139)),
        ("Масло подсолнечное рафинированное", ("0,5 л", "0,9 л", "1 л"), (79, 135, 149)),
        ("Сахар-песок", ("0,9 кг", "1 кг", "5 кг"), (75, 85, 409)),
        ("Мука пшеничная", ("1 кг", "2 кг", "5 кг"), (65, 119, 289)),
        ("Чай чёрный", ("100 г", "25 пак.", "250 г"), (119, 95, 279)),
        ("Кофе молотый", ("100 г", "250 г", "0,5 кг"), (249, 549, 1049)),
    ],
    "Snacks": [
        ("Чипсы картофельные", ("70 г", "150 г", "40 г"), (85, 159, 55)),
        ("Сухарики ржаные", ("70 г", "150 г", "40 г"), (45, 85, 30)),
        ("Семечки жареные", ("70 г", "150 г", "40 г"), (49, 95, 30)),
        ("Арахис солёный", ("70 г", "150 г", "40 г"), (79, 149, 49)),
        ("Вобла вяленая", ("70 г", "150 г", "40 г"), (179, 349, 109)),
        ("Шоколадный батончик", ("70 г", "150 г", "40 г"), (89, 169, 55)),
    ],
    "Canned food": [
        ("Шпроты в масле", ("160 г", "240 г", "270 г"), (139, 189, 209)),
        ("Говядина тушёная", ("325 г", "338 г", "525 г"), (229, 239, 359)),
        ("Горошек зелёный", ("240 г", "400 г", "680 г"), (75, 105, 149)),
        ("Кукуруза сладкая", ("240 г", "340 г", "425 г"), (79, 109, 135)),
        ("Огурцы маринованные", ("350 г", "680 г", "1 л"), (119, 189, 259)),
        ("Томатная паста", ("70 г", "140 г", "270 г"), (45, 75, 129)),
    ],
}
RU_BRANDS = ["Северное", "Волжское", "Заря", "Колос", "Родник", "Алтай", "Байкал", "Кубань", "Урал", "Садко"]
RU_UNIT = "шт"

aligned("BRANDS", BRANDS, RU_BRANDS)
aligned("CATEGORIES", CATEGORIES, RU_ITEMS)
for _category, _items in RU_ITEMS.items():
    for _item, _sizes, _prices in _items:
        aligned(f"SIZES[{_category}] of {_item}", SIZES[_category], list(_sizes))
        aligned(f"prices of {_item}", SIZES[_category], list(_prices))


# The reasons the demo's cancelled orders were cancelled for (orders.models.CancelReason): the
# client, the stock, and the operator's own mistakes, which the reports count as errors.
DEMO_CANCEL_CODES = ("client_refused", "out_of_stock", "duplicate", "wrong_quantity")


def ru_price(typical: int, drawn: float, low: float, high: float) -> Decimal:
    """A rouble price near `typical` (from 15% below to 15% above, as `drawn` falls between `low`
    and `high`), ending in 90 kopecks as shelf prices do: 89,90."""
    share = (drawn - low) / (high - low)
    roubles = int(typical * (0.85 + 0.3 * share))
    return money(roubles) - Decimal("0.10")


def make_catalog(
    rng: random.Random, today: date, *, locale: str = DEFAULT_LOCALE
) -> tuple[list[Product], dict[int, Decimal], dict[str, list[Product]]]:
    """The catalogue priced in every column; `by_category` is keyed by the Latin category (the
    key of TYPE_TASTE), whatever the locale names it."""
    russian = check_locale(locale) == "ru"
    products: list[Product] = []
    category_of: dict[str, str] = {}  # sku: Latin category
    typical: dict[str, int] = {}  # sku: the Russian item's typical price for its size
    number = 0
    for category, items in CATEGORIES.items():
        for item_index, item in enumerate(items):
            for brand_index in rng.sample(range(len(BRANDS)), 3):
                for size_index, size in enumerate(SIZES[category]):
                    number += 1
                    new = number % 23 == 0
                    sku = f"SKU-{number:05d}"
                    category_of[sku] = category
                    if russian:
                        ru_item, ru_sizes, ru_prices = RU_ITEMS[category][item_index]
                        name = f"{ru_item} «{RU_BRANDS[brand_index]}» {ru_sizes[size_index]}"
                        typical[sku] = ru_prices[size_index]
                    else:
                        name = f"{BRANDS[brand_index]} {item}, {size}"
                    products.append(
                        Product(
                            sku=sku,
                            name=name,
                            unit=RU_UNIT if russian else "pcs",
                            pack=rng.choice([6, 8, 12, 12, 20, 24]),
                            vat_rate=CATEGORY_VAT.get(category, 20),
                            category=RU_CATEGORY_NAMES[category] if russian else category,
                            active=number % 41 != 0,
                            new_until=today + timedelta(days=rng.randint(10, 60)) if new else None,
                        )
                    )
    for product in products:
        product.set_search_text()
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
        low, high = (25, 1500) if category_of[product.sku] == "Wine and spirits" else (15, 400)
        drawn = rng.uniform(low, high)
        base = ru_price(typical[product.sku], drawn, low, high) if russian else money(drawn)
        base_price[product.pk] = base
        for column, factor in zip(columns, factors, strict=False):
            prices.append(Price(product=product, column=column, amount=money(base * factor)))
    Price.objects.bulk_create(prices, batch_size=2000)
    by_category: dict[str, list[Product]] = defaultdict(list)
    for product in products:
        if product.active:
            by_category[category_of[product.sku]].append(product)
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


RU_DISCOUNT_RULES = [
    "Собственные точки: колонка 2",
    "Региональные покупатели: колонка 3",
    "Ключевые клиенты: колонка 4",
    "Розница от 20 000: колонка 2",
    "Розница от 50 000: колонка 3",
    "Любой клиент от 100 000: колонка 2",
]
SPECIAL_NOTES = {
    "Snacks": "Two packs for the price of one and a half, this month only.",
    "Beer": "Summer beer promotion: 7% off the case.",
    "Juices": "New season juices: a free display stand with 10 cases.",
}
RU_SPECIAL_NOTES = {
    "Snacks": "Две упаковки по цене полутора, только в этом месяце.",
    "Beer": "Летняя акция на пиво: скидка 7% на ящик.",
    "Juices": "Соки нового урожая: стойка для выкладки в подарок при заказе 10 коробок.",
}
aligned("DISCOUNT_RULES", DISCOUNT_RULES, RU_DISCOUNT_RULES)


def seed_discount_rules_and_specials(
    rng: random.Random,
    *,
    today: date,
    by_category: dict[str, list[Product]],
    author: User,
    locale: str = DEFAULT_LOCALE,
) -> None:
    russian = check_locale(locale) == "ru"
    types = {t.code: t for t in ClientType.objects.all()}
    columns = {c.code: c for c in PriceColumn.objects.all()}
    for index, (name, column, type_codes, minimum, priority) in enumerate(DISCOUNT_RULES):
        rule = DiscountRule.objects.create(
            name=RU_DISCOUNT_RULES[index] if russian else name,
            column=columns[column],
            min_subtotal=Decimal(minimum),
            priority=priority,
            valid_from=today - timedelta(days=365),
            created_by=author,
        )
        rule.client_types.set([types[code] for code in type_codes])
    # Specials named by commercial management this month (III.7, III.23).
    picks = [("Snacks", []), ("Beer", ["market", "retail", "own_outlet"]), ("Juices", [])]
    for category, type_codes in picks:
        product = rng.choice(by_category[category])
        special = Special.objects.create(
            product=product,
            valid_from=today.replace(day=1),
            valid_to=today + timedelta(days=30),
            note=(RU_SPECIAL_NOTES if russian else SPECIAL_NOTES)[category],
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
    locale: str = DEFAULT_LOCALE,
) -> tuple[list[Order], list[OrderLine]]:
    """Orders and their lines, numbered per year without gaps; each client's last order date."""
    reasons = RU_COLUMN_REASONS if check_locale(locale) == "ru" else COLUMN_REASONS
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
                    vat=sum((_vat(product, q * p) for product, q, p in lines), Decimal("0.00")),
                    base_subtotal=sum((money(q * base_price[p.pk]) for p, q, _ in lines), Decimal("0.00")),
                    column_reason=reasons[column_code],
                    delivery_date=working_day(day + timedelta(days=1)),
                    # why (section VI): in turn, so that the demo's reports count some as errors
                    cancel_code=DEMO_CANCEL_CODES[len(orders) % len(DEMO_CANCEL_CODES)]
                    if status == Order.Status.CANCELLED
                    else "",
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
            vat_rate=product.vat_rate,
            vat=_vat(product, q * p),
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


def _vat(product: Product, amount: Decimal) -> Decimal:
    """The VAT in a line's amount at the product's rate, the demo's prices holding the VAT."""
    return line_money(money(amount), product.vat_rate, prices_include_vat=True).vat


def seed_type_favourites(*, today: date) -> None:
    """What each client type buys, for the operators' suggestions (III.7, III.8)."""
    rebuild_type_favourites(on=today)
