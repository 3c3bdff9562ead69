"""The benchmark data set loader (bench/README.md) on the real PostgreSQL, at 1% scale: exact counts,
order totals that add up, gapless numbers, last order days, the Pareto skew, indexes and foreign
keys recreated exactly as Django made them, and a second run that adds nothing."""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from bench.seed import search_term
from calldesk.search import normalise
from calls.models import Call
from clients.models import Client, ClientPhone, Contact, Receivable
from clients.selectors import search_clients
from demo.seed.orders import CATEGORY_VAT
from orders.models import Order, OrderLine, OrderNumberSequence, Price, Product
from orders.rules import line_money
from staff.models import User
from warehouse.models import Stock, Warehouse

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BIG_TABLES = [
    "clients_client",
    "clients_clientphone",
    "clients_contact",
    "clients_receivable",
    "orders_order",
    "orders_orderline",
    "calls_call",
]


def schema() -> list[tuple[str, str]]:
    """Every index and constraint of the big tables, as PostgreSQL would recreate them."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT indexname, indexdef FROM pg_indexes
            WHERE schemaname = current_schema() AND tablename = ANY(%s)
            UNION ALL
            SELECT conname, pg_get_constraintdef(k.oid) FROM pg_constraint k
            JOIN pg_class t ON t.oid = k.conrelid WHERE t.relname = ANY(%s)
            ORDER BY 1, 2
            """,
            [BIG_TABLES, BIG_TABLES],
        )
        return cursor.fetchall()


def counts() -> dict[str, int]:
    return {
        "products": Product.objects.count(),
        "prices": Price.objects.count(),
        "clients": Client.objects.count(),
        "phones": ClientPhone.objects.count(),
        "contacts": Contact.objects.count(),
        "orders": Order.objects.count(),
        "lines": OrderLine.objects.count(),
        "receivables": Receivable.objects.count(),
        "calls": Call.objects.count(),
        "staff": User.objects.count(),
    }


def test_a_tiny_benchmark_data_set_is_loaded_exactly_once():
    before = schema()
    out = StringIO()
    call_command("seed_bench", "--scale", "0.01", stdout=out)
    assert "Total:" in out.getvalue()
    loaded = counts()
    assert {k: loaded[k] for k in ("products", "clients", "orders", "lines", "receivables", "calls")} == {
        "products": 50,
        "clients": 1000,
        "orders": 3000,
        "lines": 20000,
        "receivables": 10000,
        "calls": 10000,
    }
    assert loaded["prices"] == 50 * 4  # every product in every column
    assert loaded["contacts"] == 1000
    assert 1000 <= loaded["phones"] <= 2000
    assert ClientPhone.objects.exclude(number__regex=r"^\+7\d{10}$").count() == 0
    assert User.objects.filter(username__startswith="bench_op", groups__name="operator").count() >= 4
    assert User.objects.filter(username__startswith="bench_mgr", key_account=True).exists()
    # the indexes and foreign keys dropped for the load are back, exactly as they were
    assert schema() == before

    # every order's total (and subtotal at base prices) is the sum of its lines
    sums = Order.objects.annotate(
        line_total=Sum("lines__total"), line_base=Sum(F("lines__quantity") * F("lines__base_price"))
    )
    assert sums.exclude(total=F("line_total")).count() == 0
    assert sums.exclude(base_subtotal=F("line_base")).count() == 0
    # VAT (III.10, III.12) as the desk computes it: each line's by orders.rules.line_money at its
    # product's rate (10 % dairy, grocery and canned food, else 20 %), each order's their sum
    for line in OrderLine.objects.select_related("product").order_by("id")[::97]:
        assert line.vat_rate == line.product.vat_rate == CATEGORY_VAT.get(line.product.category, 20)
        assert line.vat == line_money(line.total, line.vat_rate, prices_include_vat=True).vat
        assert (line.list_price, line.promotion, line.saving) == (line.unit_price, "", Decimal("0.00"))
    assert sums.annotate(line_vat=Sum("lines__vat")).exclude(vat=F("line_vat")).count() == 0
    assert set(Product.objects.values_list("vat_rate", flat=True)) == {10, 20}
    # every order shipped by the main warehouse, which has every product in stock
    main = Warehouse.objects.get(code="main")
    assert Order.objects.exclude(warehouse=main).count() == 0
    assert Stock.objects.filter(warehouse=main, quantity=1_000_000).count() == 50
    # numbers per year without gaps, and the sequences where the next confirmation continues
    per_year = Counter(number[:4] for number in Order.objects.values_list("number", flat=True))
    for year, count in per_year.items():
        numbers = sorted(
            int(n[5:])
            for n in Order.objects.filter(number__startswith=f"{year}-").values_list("number", flat=True)
        )
        assert numbers == list(range(1, count + 1))
        assert OrderNumberSequence.objects.get(year=int(year)).last_value == count
    # the last order day: the local day of the latest order not cancelled
    for client in Client.objects.order_by("id")[::20]:
        days = [
            timezone.localtime(at).date()
            for at in client.orders.exclude(status="cancelled").values_list("confirmed_at", flat=True)
        ]
        assert client.last_order_on == (max(days) if days else None)
    # Pareto: the top 1% of clients place well over 1% of the orders
    top = Client.objects.annotate(n=Count("orders")).order_by("-n").values_list("n", flat=True)[:10]
    assert sum(top) >= 0.10 * 3000
    # the check constraints hold (they were never dropped) and the calls are ended with an outcome
    assert Call.objects.filter(Q(ended_at__isnull=True) | Q(outcome="")).count() == 0
    assert Receivable.objects.filter(due_on__lt=F("issued_on")).count() == 0
    assert Receivable.objects.filter(paid__lt=F("amount"), due_on__lt=timezone.localdate()).exists()
    # Cyrillic names, each with the search text the desk's search reads (calldesk.search)
    clients = list(Client.objects.values_list("name", "tax_id", "search_text"))
    products = list(
        Product.objects.filter(sku__startswith="BENCH-").values_list("sku", "name", "search_text")
    )
    assert [name for name, _tax_id, _text in clients if re.search("[а-яё]", name, re.I) is None] == []
    assert [name for _sku, name, _text in products if re.search("[а-яё]", name, re.I) is None] == []
    assert [text for name, tax_id, text in clients if text != normalise(name, tax_id)] == []
    assert [text for sku, name, text in products if text != normalise(sku, name)] == []
    # the bench's query: four lower-case Cyrillic letters of a name, which find that client
    name = clients[0][0]
    term = search_term(name)
    assert re.fullmatch("[а-яё]{4}", term), term
    assert name in [client.name for client in search_clients(term, limit=1000)]

    # a second run finds the data set and adds nothing
    out = StringIO()
    call_command("seed_bench", "--scale", "0.01", stdout=out)
    assert "reused" in out.getvalue()
    assert counts() == loaded


def test_it_refuses_a_database_that_is_not_postgresql(monkeypatch):
    monkeypatch.setattr(connection, "vendor", "sqlite")
    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("seed_bench", "--scale", "0.01", stdout=StringIO())
    assert not Product.objects.filter(sku__startswith="BENCH-").exists()
