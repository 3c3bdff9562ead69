"""The demo data set: deterministic, realistic, and fast (bulk inserts).

`seed_demo(clients=N, seed=S, today=D)` gives the same rows for the same arguments. It makes:
staff in departments (one demo login per role), a catalog priced in every column, clients of
every type in realistic proportions with phones and managers (some without one: new clients for
the head's queue, III.15), an order history in which each client's traditional products emerge
(III.7), receivables with some overdue and some over the limit (III.5), market clients who
stopped ordering more than six months ago (dormant, III.16) on today's list, a running campaign
(III.17), and the desk's recent weeks of calls with the reports built from them (III.25).
Each app's part is a module of `demo/seed/`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils import timezone

from clients.models import Client
from demo.seed import calls, clients, orders, outbound, reports, staff
from demo.seed.common import DEFAULT_LOCALE, check_locale
from staff.models import User

# The desk's recent weeks have a generator of their own, so that more or fewer clients change
# only the clients and their history, not how the calls of the last weeks are drawn.
DESK_SEED = 7


@dataclass
class SeedReport:
    created: bool
    users: list[tuple[str, str, str]] = field(default_factory=list)  # username, role, full name
    counts: dict[str, int] = field(default_factory=dict)


@transaction.atomic
def seed_demo(
    *, clients: int = 1000, seed: int = 42, today: date | None = None, locale: str = DEFAULT_LOCALE
) -> SeedReport:
    """Load the demo data set once; a second call only makes sure the demo logins exist.
    `locale` "ru" (the default) writes it in Russian, "en" in Latin letters: the same rows for
    the same arguments either way, only the words differ."""
    check_locale(locale)
    users = staff.ensure_demo_staff(locale=locale)
    if Client.objects.exists():
        return SeedReport(created=False, users=users)
    return _seed(count=clients, seed=seed, today=today or timezone.localdate(), users=users, locale=locale)


def _seed(
    *, count: int, seed: int, today: date, users: list[tuple[str, str, str]], locale: str
) -> SeedReport:
    rng = random.Random(seed)  # nosec B311  # noqa: S311 - demo data, not secrets
    people = staff.staff_by_username()
    operators = [people["operator"], people["operator2"], people["operator3"], people["operator4"]]

    products, base_price, by_category = orders.make_catalog(rng, today, locale=locale)
    orders.seed_discount_rules_and_specials(
        rng, today=today, by_category=by_category, author=people["commercial"], locale=locale
    )
    client_rows = clients.seed_clients(rng, count=count, seed=seed, today=today, staff=people, locale=locale)
    phones = clients.seed_phones(rng, client_rows, seed=seed, locale=locale)
    contacts = clients.seed_contacts(rng, client_rows, seed=seed, locale=locale)
    order_rows, line_rows = orders.seed_order_history(
        rng,
        client_rows,
        today=today,
        products=products,
        base_price=base_price,
        by_category=by_category,
        operators=operators,
        locale=locale,
    )
    receivables = clients.seed_receivables(rng, client_rows, order_rows, today=today)

    # Today's list of dormant market clients, as the nightly job would have built it, and a
    # running campaign of the head of wholesale.
    lists = outbound.seed_outbound_demo(today=today, locale=locale)
    # The desk's recent weeks: calls and offers, the first tasks of the list worked, this
    # month's targets, and the report rows built from all of it.
    desk_rng = random.Random(DESK_SEED)  # nosec B311  # noqa: S311 - demo data, not secrets
    desk_operators = list(User.objects.filter(groups__name="operator", is_active=True).order_by("username"))
    desk = calls.seed_recent_calls(desk_rng, today=today, operators=desk_operators, locale=locale)
    outbound.seed_task_attempts(desk_rng, operators=desk_operators)
    days_built = reports.seed_reports(today=today)
    orders.seed_type_favourites(today=today)
    seed_stock(seed=seed)

    return SeedReport(
        created=True,
        users=users,
        counts={
            "clients": len(client_rows),
            "phones": len(phones),
            "contacts": len(contacts),
            "products": len(products),
            "orders": len(order_rows),
            "order lines": len(line_rows),
            "receivables": len(receivables),
            "dormant clients to call": lists.dormant_tasks,
            "campaign calls": lists.campaign_tasks,
            "calls in the register": desk.calls,
            "days of reports": days_built,
        },
    )


def seed_stock(*, seed: int) -> None:
    """What the warehouse `main` has of each product (III.12), as its system would have reported
    it: mostly plenty, one product in twenty sold out, a few down to their last units. Drawn apart
    from the rest of the data set, so its rows stay the same for the same seed. Every demo order
    is shipped by `main`, so its open orders reserve some of it."""
    from decimal import Decimal

    from orders.models import Order, Product
    from warehouse.models import Stock, Warehouse

    main = Warehouse.objects.filter(code="main").first()
    if main is None:
        return
    Order.objects.filter(warehouse__isnull=True).update(warehouse=main)
    rng = random.Random(seed + 18)  # nosec B311  # noqa: S311 - demo data, not secrets
    rows = []
    for product_id in Product.objects.order_by("pk").values_list("pk", flat=True):
        draw = rng.random()
        quantity = 0 if draw < 0.05 else rng.randint(1, 12) if draw < 0.15 else rng.randint(100, 2000)
        rows.append(Stock(warehouse=main, product_id=product_id, quantity=Decimal(quantity)))
    Stock.objects.bulk_create(rows, batch_size=1000)
