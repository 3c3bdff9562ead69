"""The search rule's cases (calldesk.search), shared by the SQLite tests (tests/clients,
tests/orders) and the PostgreSQL ones (tests/integration/test_search_on_postgres.py), so that both
databases are held to the very same answers: case in Cyrillic and Latin, ё = е, quotes and
punctuation ignored, every word in any order, SKU digits alone, and the phone and tax id of a
client as before.

Each case is (what the operator types, the exact names found, in the order listed: by name)."""

from __future__ import annotations

from clients.models import Client
from orders.models import Product
from tests.factories import ClientFactory, ClientPhoneFactory, ProductFactory, price

CLIENTS = [
    # name, tax id, phone
    ("ООО «Ромашка»", "7701000001", "+74951234567"),
    ("Магазин «Ромашка»", "7702000002", "+74957654321"),
    ("ИП Ромашкин А. В.", "500100000003", "+79161112233"),
    ("Кафе «Ёлка»", "7703000004", "+74950000004"),
    ("Павильон Елки-палки", "7704000005", "+74950000005"),
    ("СТОЛИЧНЫЙ ГАСТРОНОМ", "7705000006", "+74950000006"),
    ("Kolos Grocery", "7706000007", "+74950000007"),
    ('Vesna "Market"', "7707000008", "+74950000008"),
]

CLIENT_CASES = [
    ("ромаш", ["ИП Ромашкин А. В.", "Магазин «Ромашка»", "ООО «Ромашка»"]),
    ("РОМАШКА", ["Магазин «Ромашка»", "ООО «Ромашка»"]),
    ("ооо ромашка", ["ООО «Ромашка»"]),
    ("Ромашка, ООО", ["ООО «Ромашка»"]),
    ("«ромашка» магазин", ["Магазин «Ромашка»"]),
    ('"Ромашка"', ["Магазин «Ромашка»", "ООО «Ромашка»"]),
    ("ёлка", ["Кафе «Ёлка»"]),
    ("ЕЛКА", ["Кафе «Ёлка»"]),
    ("ёлки", ["Павильон Елки-палки"]),
    ("палки-ёлки", ["Павильон Елки-палки"]),
    ("столичный гастроном", ["СТОЛИЧНЫЙ ГАСТРОНОМ"]),
    ("Гастр", ["СТОЛИЧНЫЙ ГАСТРОНОМ"]),
    ("kolos", ["Kolos Grocery"]),
    ("GROCERY, Kolos.", ["Kolos Grocery"]),
    ("«vesna» market", ['Vesna "Market"']),
    ("ромашка 7701", ["ООО «Ромашка»"]),  # a word of the tax id beside a word of the name
    ("7702000002", ["Магазин «Ромашка»"]),  # the tax id's start
    ("5001000", ["ИП Ромашкин А. В."]),
    ("8 (495) 123-45-67", ["ООО «Ромашка»"]),  # a phone in any notation
    ("+7 916 111 22 33", ["ИП Ромашкин А. В."]),
    ("7654321", ["Магазин «Ромашка»"]),  # a phone's end
    ("ромашка гастроном", []),
    ("лютик", []),
    ("«»", []),
    ("р", []),  # fewer than two characters
]

PRODUCTS = [
    # SKU, name, base price
    ("BV-00231", "Butter, 0.5 kg", "310.00"),
    ("BV-00232", "Butter, 0.2 kg", "140.00"),
    ("MS-10023", "Milk 3.2%, 1 l", "95.00"),
    ("МС-00415", "Масло сливочное 82,5%, 180 г", "189.90"),
    ("МП-00416", "Масло подсолнечное «Золотая семечка», 1 л", "145.00"),
    ("ЧЧ-00417", "Чай чёрный «Ёлочка», 100 г", "99.00"),
    ("МД-00418", "Мёд цветочный, 0,5 кг", "420.00"),
]

PRODUCT_CASES = [
    ("butter 0.5", ["Butter, 0.5 kg"]),
    ("0,5 BUTTER", ["Butter, 0.5 kg"]),
    ("butter", ["Butter, 0.2 kg", "Butter, 0.5 kg"]),
    ("00231", ["Butter, 0.5 kg"]),  # SKU digits alone
    ("bv-00232", ["Butter, 0.2 kg"]),
    ("0023", ["Butter, 0.2 kg", "Butter, 0.5 kg", "Milk 3.2%, 1 l"]),
    ("00415", ["Масло сливочное 82,5%, 180 г"]),
    ("масло", ["Масло подсолнечное «Золотая семечка», 1 л", "Масло сливочное 82,5%, 180 г"]),
    ("МАСЛО", ["Масло подсолнечное «Золотая семечка», 1 л", "Масло сливочное 82,5%, 180 г"]),
    ("сливочное масло", ["Масло сливочное 82,5%, 180 г"]),
    ("масло 82.5", ["Масло сливочное 82,5%, 180 г"]),
    ("«золотая семечка»", ["Масло подсолнечное «Золотая семечка», 1 л"]),
    ("чай черный", ["Чай чёрный «Ёлочка», 100 г"]),
    ("елочка", ["Чай чёрный «Ёлочка», 100 г"]),
    ("мед 0.5", ["Мёд цветочный, 0,5 кг"]),
    ("МЁД", ["Мёд цветочный, 0,5 кг"]),
    ("milk 3,2%", ["Milk 3.2%, 1 l"]),
    ("масло butter", []),
    ("кефир", []),
]


def make_clients() -> dict[str, Client]:
    clients = {}
    for name, tax_id, phone in CLIENTS:
        clients[name] = ClientFactory(name=name, tax_id=tax_id)
        ClientPhoneFactory(client=clients[name], number=phone)
    return clients


def make_products() -> dict[str, Product]:
    products = {}
    for sku, name, base in PRODUCTS:
        products[name] = ProductFactory(sku=sku, name=name)
        price(products[name], "base", base)
    return products
