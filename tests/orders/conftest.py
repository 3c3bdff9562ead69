from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from orders.models import DiscountRule, PriceColumn
from staff.models import Role
from tests.factories import ClientFactory, ClientPhoneFactory, ProductFactory, client_type, price
from warehouse.calendar import next_working_day


@pytest.fixture
def catalog(db):
    """Six products priced in base and column_3; a retail rule: column 3 from 1 000 at base."""
    products = {}
    for n, (sku, base) in enumerate(
        [
            ("COLA", "50.00"),
            ("KVASS", "40.00"),
            ("CHIPS", "35.50"),
            ("TEA", "120.00"),
            ("RICE", "90.00"),
            ("MILK", "75.25"),
        ]
    ):
        product = ProductFactory(sku=sku, name=f"{sku.title()} product", pack=12 if n % 2 else 1)
        price(product, "base", base)
        price(product, "column_3", str((Decimal(base) * Decimal("0.94")).quantize(Decimal("0.01"))))
        products[sku] = product
    rule = DiscountRule.objects.create(
        column=PriceColumn.objects.get(code="column_3"),
        min_subtotal=Decimal("1000.00"),
        priority=10,
        valid_from=date(2026, 1, 1),
    )
    rule.client_types.add(client_type("retail"))
    return products


@pytest.fixture
def manager(staff_of):
    return staff_of(
        Role.MANAGER,
        department_code="retail",
        username="tpavlova",
        full_name="Tatiana Pavlova",
        email="tp@example.test",
    )


@pytest.fixture
def shop(manager):
    client = ClientFactory(
        name="Zarya minimarket",
        type=client_type("retail"),
        manager=manager,
        credit_limit=Decimal("100000.00"),
    )
    ClientPhoneFactory(client=client, number="+74957654321")
    return client


def delivery_day() -> date:
    return next_working_day(timezone.localdate())


def ready_terms() -> dict:
    return {
        "delivery": {
            "date": delivery_day().isoformat(),
            "window": "10:00-14:00",
            "receiver_name": "Ivan Popov",
            "receiver_phone": "8 916 555-44-33",
        }
    }


def late_day() -> date:
    return timezone.localdate() - timedelta(days=40)
