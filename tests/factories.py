"""factory_boy factories for the desk's models. `.build()` for rule tests with no database."""

from datetime import date
from decimal import Decimal

import factory
from django.utils import timezone

from calldesk.search import normalise
from clients.models import Client, ClientPhone, ClientType, Receivable
from orders.models import Order, OrderLine, Price, PriceColumn, Product
from orders.rules import line_money
from staff.models import Department, Role, User
from staff.services import set_role


def department(code: str) -> Department:
    return Department.objects.get(code=code)


def client_type(code: str) -> ClientType:
    return ClientType.objects.get(code=code)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Faker("name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.test")
    password = factory.django.Password("secret-pass-123")

    @factory.post_generation
    def role(obj, create, extracted, **kwargs):
        if create and extracted:
            set_role(user=obj, role=extracted)


def make_staff(role: Role, *, department_code: str | None = None, **kwargs) -> User:
    dept = department(department_code) if department_code else None
    return UserFactory(role=role, department=dept, **kwargs)


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    name = factory.Sequence(lambda n: f"Client {n}")
    tax_id = factory.Sequence(lambda n: f"50{n:08d}")
    type = factory.LazyFunction(lambda: client_type("market"))
    department = factory.LazyAttribute(lambda c: c.type.department)
    region = "Moscow"
    address = "Moscow, Lenina st. 1"
    credit_limit = Decimal("100000.00")
    payment_terms_days = 14
    joined_on = date(2024, 1, 15)
    search_text = factory.LazyAttribute(lambda c: normalise(c.name, c.tax_id))


class ClientPhoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClientPhone

    client = factory.SubFactory(ClientFactory)
    number = factory.Sequence(lambda n: f"+7495{n:07d}")


class ReceivableFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Receivable

    client = factory.SubFactory(ClientFactory)
    document = factory.Sequence(lambda n: f"INV-{n:06d}")
    issued_on = date(2026, 10, 1)
    due_on = date(2026, 10, 15)
    amount = Decimal("1000.00")
    paid = Decimal("0.00")


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    sku = factory.Sequence(lambda n: f"T-{n:05d}")
    name = factory.Sequence(lambda n: f"Product {n}")
    search_text = factory.LazyAttribute(lambda p: normalise(p.sku, p.name))


def price(product: Product, column_code: str, amount: str) -> Price:
    return Price.objects.create(
        product=product, column=PriceColumn.objects.get(code=column_code), amount=Decimal(amount)
    )


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Order

    client = factory.SubFactory(ClientFactory)
    taken_by = factory.SubFactory(UserFactory)
    status = Order.Status.CONFIRMED
    number = factory.Sequence(lambda n: f"2026-{n + 1:06d}")
    created_at = factory.LazyFunction(timezone.now)
    confirmed_at = factory.LazyAttribute(lambda o: o.created_at)
    total = Decimal("0.00")


class OrderLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrderLine

    order = factory.SubFactory(OrderFactory)
    product = factory.SubFactory(ProductFactory)
    quantity = Decimal("1.000")
    unit_price = Decimal("10.00")
    total = factory.LazyAttribute(lambda line: (line.quantity * line.unit_price).quantize(Decimal("0.01")))
    vat_rate = factory.LazyAttribute(lambda line: line.product.vat_rate)
    # the VAT in the total at the line's rate, the prices holding it (the desk's default)
    vat = factory.LazyAttribute(
        lambda line: line_money(line.total, line.vat_rate, prices_include_vat=True).vat
    )
