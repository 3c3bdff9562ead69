"""Formats by the reader's language ("Around the job": English, Russian, Romanian): money by CLDR
(calldesk.money), dates 02.12.2026 and 24-hour times in Russian and Romanian (calldesk/formats/),
and numbers and dates typed the way the person's language writes them (calldesk.screen_input).
Typed on the order screen: tests/orders/test_typed_in_russian.py."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone, translation

from calldesk.money import currency_symbol, format_money
from calldesk.screen_input import LocalDecimalField, canonical_number, date_pattern, local_number
from orders.models import Order
from staff.models import Role, User
from tests.factories import ClientFactory, OrderFactory

MOSCOW = ZoneInfo("Europe/Moscow")
NBSP = "\u00a0"


# --- Money: one function, CLDR's rules ----------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "amount", "shown"),
    [
        ("ru", "8543.23", "8\u00a0543,23\u00a0₽"),
        ("ru", "-2500", "-2\u00a0500,00\u00a0₽"),
        ("ru", "0.005", "0,01\u00a0₽"),  # half up, to the cent
        ("ru", "1234567.8", "1\u00a0234\u00a0567,80\u00a0₽"),
        ("ro", "8543.23", "8.543,23\u00a0RUB"),
        ("en", "8543.23", "RUB\u00a08,543.23"),
        ("en", "0", "RUB\u00a00.00"),
    ],
)
def test_money_as_each_language_writes_it(language, amount, shown):
    assert format_money(Decimal(amount), language=language) == shown


def test_money_follows_the_active_language_and_the_currency_setting(settings):
    with translation.override("ru"):
        assert format_money(Decimal("189.90")) == "189,90\u00a0₽"
        assert currency_symbol() == "₽"
    settings.CURRENCY = "EUR"
    with translation.override("ru"):
        assert format_money(Decimal("189.90")) == "189,90\u00a0€"
    with translation.override("en"):
        assert format_money(Decimal("189.90")) == "€189.90"
    assert format_money(None) == ""


def test_the_money_filter_needs_no_load_and_shows_nothing_for_nonsense():
    page = Template("{{ amount|money }}|{{ none|money }}|{{ word|money }}")
    with translation.override("ru"):
        assert page.render(Context({"amount": Decimal("8543.23"), "none": None, "word": "много"})) == (
            "8\u00a0543,23\u00a0₽||"
        )


# --- Dates and times on screens -------------------------------------------------------------------


@pytest.fixture
def evening_order(db, staff_of):
    """An order confirmed on 2 December 2026 at 19:44 Moscow time, for 8 543,23."""
    manager = staff_of(Role.MANAGER, username="t.pavlova", full_name="Татьяна Павлова")
    shop = ClientFactory(name="Магазин «Ромашка»", manager=manager)
    order = OrderFactory(client=shop, number="2026-000777", total=Decimal("8543.23"))
    Order.objects.filter(pk=order.pk).update(confirmed_at=datetime(2026, 12, 2, 19, 44, tzinfo=MOSCOW))
    return manager


def my_orders_row(manager: User, language: str) -> str:
    User.objects.filter(pk=manager.pk).update(language=language)
    http = HttpClient()
    http.force_login(User.objects.get(pk=manager.pk))
    html = http.get(reverse("orders:my-orders")).content.decode()
    return html.split("2026-000777", 1)[1].split("</tr>", 1)[0]


def test_a_russian_reader_sees_02_12_2026_19_44_and_roubles(evening_order):
    row = my_orders_row(evening_order, "ru")
    assert "<td>02.12.2026 19:44</td>" in row
    assert '<td class="num">8\u00a0543,23\u00a0₽</td>' in row


def test_a_romanian_reader_sees_romanian_formats(evening_order):
    row = my_orders_row(evening_order, "ro")
    assert "<td>02.12.2026, 19:44</td>" in row
    assert '<td class="num">8.543,23\u00a0RUB</td>' in row


def test_an_english_reader_sees_english_formats(evening_order):
    row = my_orders_row(evening_order, "en")
    assert "<td>12/02/2026 7:44 p.m.</td>" in row
    assert '<td class="num">RUB\u00a08,543.23</td>' in row


@pytest.mark.parametrize(
    ("language", "long_date", "time"),
    [("ru", "02.12.2026", "19:44"), ("ro", "02.12.2026", "19:44"), ("en", "Dec. 2, 2026", "7:44 p.m.")],
)
def test_every_named_format_reads_day_first_and_24_hour_in_russian_and_romanian(language, long_date, time):
    moment = datetime(2026, 12, 2, 19, 44, tzinfo=MOSCOW)
    page = Template(
        '{{ day|date:"DATE_FORMAT" }}|{{ day|date:"SHORT_DATE_FORMAT" }}|{{ moment|time:"TIME_FORMAT" }}'
    )
    with translation.override(language):
        shown = page.render(Context({"day": date(2026, 12, 2), "moment": moment}))
    short = "12/02/2026" if language == "en" else "02.12.2026"
    assert shown == f"{long_date}|{short}|{time}"


def test_the_debtors_heading_names_the_day_as_a_russian_writes_it(db, staff_of):
    finance = staff_of(Role.FINANCE, department_code="finance", username="n.orlova", full_name="Нина Орлова")
    User.objects.filter(pk=finance.pk).update(language="ru")
    http = HttpClient()
    http.force_login(User.objects.get(pk=finance.pk))
    html = http.get(reverse("clients:debtors")).content.decode()
    with translation.override("ru"):
        heading = translation.gettext("Clients with overdue debt on %(day)s") % {
            "day": f"{timezone.localdate():%d.%m.%Y}"
        }
    assert heading in html


# --- What a person types ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "language", "read"),
    [
        ("2,5", "ru", "2.5"),
        ("2.5", "ru", "2.5"),
        ("189,90", "ru", "189.90"),
        ("12 500,00", "ru", "12500.00"),
        ("12\u00a0500,00", "ru", "12500.00"),
        ("12\u202f500,00", "ru", "12500.00"),
        ("1 000 000", "ru", "1000000"),
        ("1,000", "ru", "1.000"),  # a Russian's comma is the decimal mark
        ("1,000", "en", "1000"),  # an English reader's comma groups thousands
        ("12,500.75", "en", "12500.75"),
        ("0,500", "en", "0.500"),  # a first group of 0 groups nothing: a decimal comma
        ("1.000", "ro", "1000"),  # a Romanian's dot groups thousands
        ("1.000", "ru", "1.000"),  # a Russian groups with spaces: the point is a decimal one
        ("0.500", "ro", "0.500"),
        ("1,000,000", "en", "1000000"),  # an English reader's commas group thousands
        ("2,5", "en", "2.5"),
        ("1,234.50", "en", "1234.50"),
        ("1.234,50", "ru", "1234.50"),
        ("12.500,75", "ro", "12500.75"),  # a Romanian's dot groups thousands
        ("2.5", "ro", "2.5"),
        ("1.234,5", "ro", "1234.5"),
        (" 7 ", "ru", "7"),
    ],
)
def test_a_number_is_read_as_the_persons_language_writes_it(typed, language, read):
    assert canonical_number(typed, language=language) == read


@pytest.mark.parametrize("typed", ["1,00,000", "12.50.0", "1 2,5.00.0", "2,5,0"])
def test_grouping_that_does_not_hold_is_refused(typed):
    field = LocalDecimalField(decimal_places=3)
    with translation.override("ru"), pytest.raises(ValidationError):
        field.clean(typed)


def test_a_quantity_is_shown_back_with_the_languages_decimal_mark():
    assert local_number("2.5", language="ru") == "2,5"
    assert local_number("2.5", language="en") == "2.5"
    assert local_number("12", language="ro") == "12"


def test_the_date_pattern_is_the_languages():
    with translation.override("ru"):
        letters = [translation.gettext(token) for token in ("DD", "MM", "YYYY")]
        assert date_pattern() == ".".join(letters)  # ДД.ММ.ГГГГ once the translators name them
    with translation.override("en"):
        assert date_pattern(with_time=True) == "YYYY-MM-DD HH:MM"


def test_the_dashboard_filter_reads_a_russian_date(db, staff_of):
    head = staff_of(Role.HEAD, department_code="wholesale", username="p.ivanov", full_name="Пётр Иванов")
    User.objects.filter(pk=head.pk).update(language="ru")
    http = HttpClient()
    http.force_login(User.objects.get(pk=head.pk))
    html = http.get(reverse("reports:dashboard"), {"period": "day", "on": "01.11.2026"}).content.decode()
    assert 'name="on" id="filter-on" value="2026-11-01"' in html


# --- Amounts typed in admin -----------------------------------------------------------------------


def test_admin_reads_a_russian_price_and_credit_limit(db, staff_of, rf):
    from django.contrib import admin

    from clients.models import Client
    from orders.admin import PriceInlineForm
    from orders.models import PriceColumn

    with translation.override("ru"):
        form = PriceInlineForm(data={"column": PriceColumn.objects.get(code="base").pk, "amount": "1 234,50"})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["amount"] == Decimal("1234.50")
    request = rf.get("/admin/clients/client/add/")
    request.user = staff_of(Role.ADMIN, department_code=None, username="a.k", full_name="Андрей Кузнецов")
    fields = admin.site._registry[Client].get_form(request).base_fields
    assert isinstance(fields["credit_limit"], LocalDecimalField)


@pytest.mark.django_db
def test_seeded_reference_names_are_shown_in_the_readers_language_and_admins_names_as_written():
    """Client types, departments and price columns the migrations seed are read in the reader's
    language (III.2, III.10); a name an admin wrote stays as written."""
    from clients.models import ClientType
    from orders.models import PriceColumn
    from staff.models import Department

    retail, wholesale = ClientType.objects.get(code="retail"), Department.objects.get(code="wholesale")
    column = PriceColumn.objects.get(code="column_3")
    with translation.override("en"):
        assert (str(retail), str(wholesale), str(column)) == ("Retail", "Wholesale sales", "Column 3")
    with translation.override("ru"):
        assert str(retail) == translation.gettext("Retail") != "Retail"
        assert str(wholesale) == translation.gettext("Wholesale sales") != "Wholesale sales"
        assert str(column) == translation.gettext("Column 3") != "Column 3"
        retail.name = "Розница у дома"
        assert str(retail) == "Розница у дома"
