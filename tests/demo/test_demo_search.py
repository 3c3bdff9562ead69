"""The demo data is searchable as the desk searches (calldesk.search): the seed writes every
client's and product's search text with its name."""

from datetime import date

import pytest

from calldesk.search import normalise
from clients.models import Client
from clients.selectors import search_clients
from demo.services import seed_demo
from orders.models import Product
from orders.selectors import products_matching

pytestmark = pytest.mark.django_db


def test_every_demo_client_and_product_has_the_search_text_of_its_name():
    seed_demo(clients=60, seed=7, today=date(2026, 11, 20))
    clients = list(Client.objects.values_list("name", "tax_id", "search_text"))
    products = list(Product.objects.values_list("sku", "name", "search_text"))
    assert len(clients) == 60 and len(products) > 100
    assert [text for name, tax_id, text in clients if text != normalise(name, tax_id)] == []
    assert [text for sku, name, text in products if text != normalise(sku, name)] == []
    name, _tax_id, _text = clients[0]
    assert name in [c.name for c in search_clients(name.lower())]
    sku, name, _text = products[0]
    assert list(products_matching(name.upper()).values_list("sku", flat=True)) == [sku]
