"""`seed_demo` writes the demo data set in Russian by default and in Latin letters with
`--locale en`: one data set (the same clients, orders, debts and calls for the same seed), in
two languages ("Around the job": the company sells in roubles, around Moscow)."""

import hashlib
import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count

from calls.models import Call
from clients.models import Client, ClientPhone, Contact, Receivable
from demo.seed.clients import sole_trader
from demo.services import seed_demo
from orders.models import DiscountRule, Offer, Order, OrderLine, Price, Product, Special
from outbound.models import CallTask, Campaign
from staff.models import User

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 20)
CLIENTS = 120
SEED = 11
CYRILLIC = re.compile(r"[А-Яа-яЁё]")
LATIN = re.compile(r"[A-Za-z]")
# The Latin data set as it was before Russian became the default (same seed, clients and day):
# the digest of `latin_words()` below, as the code before the Russian set computed it.
# Recompute it only when the Latin set is meant to change. Changed once since: the deputy head of
# wholesale (Nikolay Zaitsev) joined the staff; without his row the digest is the old 6e0b7150a84adb11.
LATIN_DIGEST = "65e663cdca79894f"


def shape() -> dict:
    """Everything but the words: who, how many, when, in which order, with which status."""
    return {
        "clients": list(
            Client.objects.order_by("tax_id").values_list(
                "tax_id",
                "type__code",
                "manager__username",
                "credit_limit",
                "payment_terms_days",
                "joined_on",
                "last_order_on",
            )
        ),
        "phones": list(ClientPhone.objects.order_by("number").values_list("number", "client__tax_id")),
        "contacts": list(
            Contact.objects.order_by("client__tax_id", "id").values_list(
                "client__tax_id", "phone", "may_receive_goods"
            )
        ),
        "products": list(Product.objects.order_by("sku").values_list("sku", "pack", "active", "new_until")),
        "prices": Price.objects.count(),
        "orders": list(
            Order.objects.order_by("number").values_list(
                "number",
                "client__tax_id",
                "status",
                "column__code",
                "taken_by__username",
                "created_at",
                "delivery_date",
            )
        ),
        "lines": list(
            OrderLine.objects.order_by("order__number", "product__sku").values_list(
                "order__number", "product__sku", "quantity"
            )
        ),
        "receivables": list(
            Receivable.objects.order_by("document").values_list("document", "issued_on", "due_on")
        ),
        "calls": list(
            Call.objects.values("outcome", "route_clause")
            .annotate(n=Count("id"))
            .order_by("outcome", "route_clause")
        ),
        "offers": Offer.objects.count(),
        "rules": list(
            DiscountRule.objects.order_by("id").values_list("column__code", "min_subtotal", "priority")
        ),
        "specials": list(
            Special.objects.order_by("id").values_list("product__sku", "valid_from", "valid_to")
        ),
        "tasks": list(
            CallTask.objects.values("call_list__source").annotate(n=Count("id")).order_by("call_list__source")
        ),
    }


def words() -> dict[str, list[str]]:
    """The words of the data set: what the locale writes."""
    return {
        "client names": list(Client.objects.order_by("tax_id").values_list("name", flat=True)),
        "regions": list(Client.objects.order_by("tax_id").values_list("region", flat=True)),
        "addresses": list(Client.objects.order_by("tax_id").values_list("address", flat=True)),
        "contacts": list(Contact.objects.order_by("client__tax_id", "id").values_list("name", flat=True)),
        "positions": sorted(set(Contact.objects.values_list("position", flat=True))),
        "phone labels": sorted(set(ClientPhone.objects.values_list("label", flat=True))),
        "products": list(Product.objects.order_by("sku").values_list("name", flat=True)),
        "categories": sorted(set(Product.objects.values_list("category", flat=True))),
        "units": sorted(set(Product.objects.values_list("unit", flat=True))),
        "rules": list(DiscountRule.objects.order_by("id").values_list("name", flat=True)),
        "specials": list(Special.objects.order_by("id").values_list("note", flat=True)),
        "column reasons": sorted(set(Order.objects.values_list("column_reason", flat=True))),
        "offer reasons": sorted(set(Offer.objects.exclude(reason="").values_list("reason", flat=True))),
        "campaign": list(Campaign.objects.values_list("name", "goal", "script")[0]),
        "staff": list(User.objects.order_by("username").values_list("full_name", flat=True)),
        "client languages": sorted(set(Client.objects.values_list("language", flat=True))),
    }


def latin_words() -> str:
    """A digest of the Latin set's words and amounts: unchanged means the same digest."""
    rows = [
        list(Client.objects.order_by("tax_id").values_list("tax_id", "name", "region", "address")),
        list(Contact.objects.order_by("client__tax_id", "id").values_list("name", "position", "phone")),
        list(ClientPhone.objects.order_by("number").values_list("number", "label")),
        list(Product.objects.order_by("sku").values_list("sku", "name", "unit", "category", "pack")),
        list(Price.objects.order_by("product__sku", "column__position").values_list("amount", flat=True)),
        list(
            Order.objects.order_by("number").values_list("number", "total", "base_subtotal", "column_reason")
        ),
        list(Receivable.objects.order_by("document").values_list("document", "amount", "paid")),
        list(User.objects.order_by("username").values_list("username", "full_name")),
    ]
    return hashlib.sha256(repr(rows).encode()).hexdigest()[:16]


def seeded(locale: str | None) -> dict:
    """Seed in `locale` (None: the default), read it, and leave the database as it was."""
    with transaction.atomic():
        extra = {} if locale is None else {"locale": locale}
        report = seed_demo(clients=CLIENTS, seed=SEED, today=TODAY, **extra)
        read = {
            "counts": report.counts,
            "shape": shape(),
            "digest": latin_words(),
            "words": words(),
            "base prices": dict(
                Price.objects.filter(column__code="base").values_list("product__name", "amount")
            ),
        }
        transaction.set_rollback(True)
    return read


@pytest.fixture(scope="module")
def both(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        return {"ru": seeded(None), "en": seeded("en")}


def test_the_russian_and_the_latin_sets_are_one_data_set(both):
    ru_counts, ru_shape = both["ru"]["counts"], both["ru"]["shape"]
    en_counts, en_shape = both["en"]["counts"], both["en"]["shape"]
    assert ru_counts == en_counts
    assert ru_counts["clients"] == CLIENTS
    for part in en_shape:
        assert ru_shape[part] == en_shape[part], part


def test_the_latin_set_is_unchanged(both):
    en = dict(both["en"]["words"])
    assert both["en"]["digest"] == LATIN_DIGEST
    assert en["client names"][:3] == ["Sokol stall #1", "Zhuravl brand shop #2", "Sokol kiosk #3"]
    assert en["addresses"][:3] == [
        "Moscow, Sovetskaya st. 3",
        "Moscow, Zavodskaya st. 23",
        "Moscow, Molodezhnaya st. 85",
    ]
    assert en["contacts"][:3] == ["Anna Zaitsev", "Olga Makarov", "Olga Guseva"]
    assert en["products"][:3] == ["Kuban Cola, 0.5 l", "Kuban Cola, 1.5 l", "Kuban Cola, 2 l"]
    assert en["positions"] == ["Owner", "Storekeeper"]
    assert en["phone labels"] == ["mobile", "office"]
    assert en["units"] == ["pcs"]
    assert en["campaign"][0] == "Summer drinks promotion"
    assert en.pop("client languages") == ["en"]
    for kind, texts in en.items():
        for text in texts:
            assert not CYRILLIC.search(str(text)), (kind, text)


def test_the_russian_set_is_written_in_russian(both):
    ru = dict(both["ru"]["words"])
    assert ru.pop("client languages") == ["ru"]  # documents and e-mails in Russian
    for kind, texts in ru.items():
        for text in texts:
            assert CYRILLIC.search(text), (kind, text)
            assert not LATIN.search(text), (kind, text)
    # clients by their legal form or kind of outlet, sole traders by surname and initials
    legal = re.compile(r"^(ООО|АО|ТД) «[А-ЯЁ][а-яё]+»$")
    trader = re.compile(r"^ИП [А-ЯЁ][а-яё]+ [А-ЯЁ]\. [А-ЯЁ]\.$")
    outlet = re.compile(r"^[А-ЯЁ][а-яё]+( [а-яё]+)* «[А-ЯЁ][а-яё]+» №\d+$")
    chain = re.compile(r"^(Сеть супермаркетов «[А-ЯЁ][а-яё]+»|АО «Торговая сеть [А-ЯЁ][а-яё]+»)$")
    for name in ru["client names"]:
        assert legal.match(name) or trader.match(name) or outlet.match(name) or chain.match(name), name
    assert any(name.startswith("ООО «") for name in ru["client names"])
    assert any(name.startswith("ИП ") for name in ru["client names"])
    # contacts: surname, first name, patronymic of one gender
    for name in ru["contacts"]:
        surname, _first, patronymic = name.split(" ")
        feminine = patronymic.endswith("вна")
        assert surname.endswith("а") == feminine, name
    assert ru["positions"] == ["Владелец", "Кладовщик"]
    assert ru["phone labels"] == ["мобильный", "рабочий"]
    # addresses as Russian post writes them, around Moscow
    address = re.compile(
        r"^(г\. [А-ЯЁ][а-яё]+|Московская обл\., г\. [А-ЯЁ][а-яё]+), ул\. [А-ЯЁ][а-яё]+, д\. \d+$"
    )
    assert all(address.match(line) for line in ru["addresses"]), ru["addresses"]
    assert set(ru["regions"]) <= {
        "Москва", "Московская область", "Тверь", "Тула", "Рязань", "Калуга", "Владимир", "Ярославль",
        "Смоленск", "Кострома",
    }  # fmt: skip
    assert ru["units"] == ["шт"]
    assert "Молочная продукция" in ru["categories"]
    assert ru["campaign"][0] == "Летняя акция на напитки"
    assert "Ольга Смирнова" in ru["staff"]


def test_russian_products_and_their_rouble_prices(both):
    prices = both["ru"]["base prices"]
    butter = {
        n: p for n, p in prices.items() if re.fullmatch(r"Масло сливочное 82,5% «[А-Яа-яЁё]+» 0,5 кг", n)
    }
    milk = {n: p for n, p in prices.items() if re.fullmatch(r"Молоко 3,2% «[А-Яа-яЁё]+» 1 л", n)}
    assert butter and milk
    # shelf prices around the item's typical price, ending in 90 kopecks
    assert all(Decimal("474.90") <= p <= Decimal("641.90") for p in butter.values()), butter
    assert all(Decimal("79.90") <= p <= Decimal("108.90") for p in milk.values()), milk
    assert all(p % 1 == Decimal("0.90") for p in prices.values())
    assert Decimal("25.90") <= min(prices.values()) and max(prices.values()) <= Decimal("1205.90")


def test_sole_traders_are_named_apart():
    names = [sole_trader(index) for index in range(5000)]
    assert len(set(names)) == 5000
    assert names[:3] == ["Сидоров А. Е.", "Кузнецов А. Е.", "Морозов А. Е."]


def test_the_command_takes_the_locale(capsys):
    call_command("seed_demo", "--clients", "20", "--locale", "en", "--today", "2026-11-20")
    out = capsys.readouterr().out
    assert "operator     operator    Olga Smirnova" in out
    assert Client.objects.count() == 20
    assert all(name.isascii() for name in Client.objects.values_list("name", flat=True))
    with pytest.raises(CommandError, match="invalid choice: 'de'"):
        call_command("seed_demo", "--locale", "de")
