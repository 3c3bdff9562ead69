"""The search rule on PostgreSQL (calldesk.search): the very cases the SQLite tests hold
(tests/search_cases.py: case in Cyrillic and Latin, ё = е, quotes, word order, SKU digits, a
client's phone and tax id) give the very same answers here, through the selectors and the API;
and each search can be served by its trigram index over the one normalised column."""

from datetime import date

import pytest
from django.db import connection, transaction

from calldesk.search import words_match
from clients.models import Client
from clients.selectors import matching_clients, search_clients
from orders.models import Product
from orders.selectors import catalog_page, products_matching
from tests.search_cases import CLIENT_CASES, PRODUCT_CASES, make_clients, make_products

pytestmark = pytest.mark.django_db


@pytest.fixture
def clients():
    return make_clients()


@pytest.fixture
def products():
    return make_products()


@pytest.mark.parametrize(("term", "names"), CLIENT_CASES)
def test_client_search_finds_exactly_these_clients_on_postgres(api, operator, clients, term, names):
    assert [c.name for c in search_clients(term)] == names
    body = api(operator).get("/api/v1/clients", {"search": term}).json()
    assert (body["count"], [c["name"] for c in body["items"]]) == (len(names), names)


@pytest.mark.parametrize(("term", "names"), PRODUCT_CASES)
def test_product_search_finds_exactly_these_products_on_postgres(api, operator, products, term, names):
    assert [item.name for item in catalog_page(on=date(2026, 11, 20), search=term).items] == names
    body = api(operator).get("/api/v1/products", {"search": term}).json()
    assert (body["count"], [item["name"] for item in body["items"]]) == (len(names), names)


PLAN_TYPES = ("seqscan", "indexscan", "indexonlyscan", "bitmapscan", "sort")
NO_SCAN_BUT_BITMAP = ("seqscan", "indexscan", "indexonlyscan")


def plan(queryset, *, off: tuple[str, ...]) -> str:
    """EXPLAIN of `queryset` with the given plan types priced out (a handful of test rows would
    otherwise be read whole, whatever the index; the bench's 100,000 clients are not)."""
    sql, params = queryset.query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        for setting in PLAN_TYPES:  # SET LOCAL lasts to the test's end: set each one every time
            cursor.execute(f"SET LOCAL enable_{setting} = {'off' if setting in off else 'on'}")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_each_search_can_be_served_by_an_index(clients, products):
    # the clients of a rare word: the trigram index over the search text finds them
    rare = Client.objects.filter(words_match("search_text", "ромашка ооо")).values("pk")
    assert "Bitmap Index Scan on client_search_trgm" in plan(rare, off=NO_SCAN_BUT_BITMAP)
    # the first twenty of a common word, by name: read from the names' index alone
    first = matching_clients("ромашка ооо").values("pk")[:20]
    assert "using client_name_search" in plan(first, off=("seqscan", "bitmapscan", "sort"))
    words = products_matching("масло 82,5").values("pk")
    assert "Bitmap Index Scan on product_search_trgm" in plan(words, off=NO_SCAN_BUT_BITMAP)
    # the index the old search read (UPPER(name)) is gone
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename IN (%s, %s)",
            [Client._meta.db_table, Product._meta.db_table],
        )
        names = {row[0] for row in cursor.fetchall()}
    assert {"client_search_trgm", "client_name_search", "product_search_trgm"} <= names
    assert "client_name_trgm" not in names
