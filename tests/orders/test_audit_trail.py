"""The audit trail (III.14, III.26): who changed what and when, with old and new values, for
discount rules and specials (III.10, III.23) and for orders after confirmation (III.14);
readable in admin, never editable there, not even by an admin (III.26, section VI)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from calldesk.errors import Forbidden, InvalidInput
from clients.models import ClientChange
from clients.services import update_client
from orders.exceptions import OrderNotEditable, OrderNotFound
from orders.models import (
    DiscountRule,
    Order,
    OrderChange,
    PriceChange,
    PriceColumn,
    RuleChange,
    Source,
    Special,
)
from orders.pricelist import set_price
from orders.promotions import (
    create_discount_rule,
    create_special,
    deactivate_special,
    update_discount_rule,
    update_special,
)
from orders.services import add_line, authorise_exception, change_status, set_terms
from staff.models import Role
from tests.factories import OrderFactory, ProductFactory, client_type

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture
def commercial(staff_of):
    return staff_of(Role.COMMERCIAL, department_code=None, username="kvasilieva")


@pytest.fixture
def admin_user(staff_of):
    return staff_of(Role.ADMIN, department_code=None, username="root")


def rows(**filters) -> list[tuple]:
    """The history rows, oldest first: (kind, action, field, old, new, who, source)."""
    return [
        (row.kind, row.action, row.field, row.old_value, row.new_value, row.changed_by.username, row.source)
        for row in RuleChange.objects.filter(**filters).select_related("changed_by").order_by("id")
    ]


def order_rows(order) -> list[tuple]:
    return [
        (row.field, row.old_value, row.new_value, row.reason, row.changed_by.username)
        for row in OrderChange.objects.filter(order=order).select_related("changed_by").order_by("id")
    ]


def a_special(actor, **overrides) -> Special:
    ProductFactory(sku="COLA", name="Cola")
    fields = {
        "sku": "COLA",
        "valid_from": "2026-11-01",
        "valid_to": "2026-11-30",
        "client_types": ["market"],
        "note": "Cola at 45 this month",
        "special_price": "45.00",
        **overrides,
    }
    return create_special(actor=actor, source=Source.API, **fields)


def a_rule(actor) -> DiscountRule:
    return create_discount_rule(
        actor=actor,
        column="column_2",
        client_types=["retail"],
        min_subtotal="5000.00",
        priority=20,
        valid_from="2026-01-01",
        valid_to=None,
        name="Retail from 5 000",
        source=Source.API,
    )


# --- specials and discount rules: the API --------------------------------------------------------


def test_a_special_posted_through_the_api_records_each_field_it_sets(api, commercial):
    """III.23, III.26: POST /specials leaves one row per field set, by the token's user, "api"."""
    ProductFactory(sku="COLA", name="Cola")
    response = api(commercial).post(
        "/api/v1/specials",
        {
            "sku": "COLA",
            "valid_from": "2026-11-01",
            "valid_to": "2026-11-30",
            "client_types": ["retail", "market"],
            "note": "Cola at 45 this month",
            "special_price": "45.00",
        },
        content_type=JSON,
    )

    assert response.status_code == 201, response.json()
    special = Special.objects.get()
    assert rows() == [
        ("special", "created", "product", "", "COLA", "kvasilieva", "api"),
        ("special", "created", "valid_from", "", "2026-11-01", "kvasilieva", "api"),
        ("special", "created", "valid_to", "", "2026-11-30", "kvasilieva", "api"),
        ("special", "created", "client_types", "", "market, retail", "kvasilieva", "api"),
        ("special", "created", "note", "", "Cola at 45 this month", "kvasilieva", "api"),
        ("special", "created", "kind", "", "special_price", "kvasilieva", "api"),
        ("special", "created", "special_price", "", "45.00", "kvasilieva", "api"),
    ]
    assert set(RuleChange.objects.values_list("object_id", "label")) == {
        (special.pk, "COLA Cola (2026-11-01 to 2026-11-30)")
    }
    assert all(
        row.changed_at is not None and timezone.is_aware(row.changed_at) for row in RuleChange.objects.all()
    )


def test_a_discount_rule_posted_through_the_api_records_each_field_it_sets(api, commercial):
    """III.10, III.26: POST /discount-rules leaves one row per field set; an open end sets nothing."""
    response = api(commercial).post(
        "/api/v1/discount-rules",
        {
            "column": "column_2",
            "client_types": [],
            "min_subtotal": "5000.00",
            "priority": 20,
            "valid_from": "2026-01-01",
            "valid_to": None,
        },
        content_type=JSON,
    )

    assert response.status_code == 201, response.json()
    rule = DiscountRule.objects.get()
    assert rows(kind="discount_rule", object_id=rule.pk) == [
        ("discount_rule", "created", "column", "", "column_2", "kvasilieva", "api"),
        ("discount_rule", "created", "min_subtotal", "", "5000.00", "kvasilieva", "api"),
        ("discount_rule", "created", "priority", "", "20", "kvasilieva", "api"),
        ("discount_rule", "created", "valid_from", "", "2026-01-01", "kvasilieva", "api"),
    ]


def test_a_refused_special_or_rule_records_nothing(api, commercial, operator):
    """III.26: a bad body (400) or a role that may not (403) writes neither the rule nor history."""
    ProductFactory(sku="COLA")
    bad = api(commercial).post(
        "/api/v1/specials",
        {"sku": "COLA", "valid_from": "2026-11-30", "valid_to": "2026-11-01", "note": "x"},
        content_type=JSON,
    )
    forbidden = api(operator).post(
        "/api/v1/discount-rules", {"column": "column_2", "valid_from": "2026-01-01"}, content_type=JSON
    )

    assert (bad.status_code, forbidden.status_code) == (400, 403)
    assert not Special.objects.exists() and not DiscountRule.objects.exists()
    assert not RuleChange.objects.exists()


# --- specials and discount rules: the services ----------------------------------------------------


def test_a_change_records_only_the_fields_that_changed_and_no_change_records_nothing(commercial):
    """III.10, III.26: each changed field with its old and new value; the same values write nothing."""
    rule = a_rule(commercial)
    RuleChange.objects.all().delete()

    update_discount_rule(
        actor=commercial,
        rule_id=rule.pk,
        changes={"min_subtotal": "7500.00", "client_types": ["retail", "market"], "priority": 20},
        source=Source.API,
    )
    update_discount_rule(actor=commercial, rule_id=rule.pk, changes={"min_subtotal": Decimal("7500.00")})

    rule.refresh_from_db()
    assert (rule.min_subtotal, sorted(t.code for t in rule.client_types.all())) == (
        Decimal("7500.00"),
        ["market", "retail"],
    )
    assert rows() == [
        ("discount_rule", "changed", "client_types", "retail", "market, retail", "kvasilieva", "api"),
        ("discount_rule", "changed", "min_subtotal", "5000.00", "7500.00", "kvasilieva", "api"),
    ]


def test_an_invalid_change_or_an_operator_changes_nothing(commercial, operator):
    """III.26: the whole rule is checked again; a refused change leaves the rule and history as they were."""
    special = a_special(commercial)
    before = RuleChange.objects.count()

    with pytest.raises(InvalidInput) as refused:
        update_special(actor=commercial, special_id=special.pk, changes={"valid_to": "2026-10-01"})
    with pytest.raises(Forbidden):
        update_special(actor=operator, special_id=special.pk, changes={"note": "Free cola"})
    with pytest.raises(InvalidInput):
        update_special(actor=commercial, special_id=special.pk, changes={"created_by": operator.pk})

    assert [error.field for error in refused.value.errors] == ["valid_to"]
    special.refresh_from_db()
    assert (special.valid_to, special.note) == (date(2026, 11, 30), "Cola at 45 this month")
    assert RuleChange.objects.count() == before


def test_deactivating_a_special_ends_it_yesterday_and_one_not_started_is_refused(commercial):
    """III.23: deactivated from a day, the special's period ends the day before, recorded as such."""
    special = a_special(commercial)
    future = create_special(
        actor=commercial,
        sku="COLA",
        valid_from="2026-12-01",
        valid_to="2026-12-31",
        client_types=[],
        note="December",
    )
    RuleChange.objects.all().delete()

    deactivate_special(actor=commercial, special_id=special.pk, on=date(2026, 11, 20))
    deactivate_special(actor=commercial, special_id=special.pk, on=date(2026, 11, 25))  # already ended
    with pytest.raises(InvalidInput):
        deactivate_special(actor=commercial, special_id=future.pk, on=date(2026, 11, 20))

    special.refresh_from_db()
    assert special.valid_to == date(2026, 11, 19)
    assert rows() == [
        ("special", "deactivated", "valid_to", "2026-11-30", "2026-11-19", "kvasilieva", "admin")
    ]


# --- specials and discount rules: admin ------------------------------------------------------------


def column_id(code: str) -> int:
    return PriceColumn.objects.get(code=code).pk


def test_a_special_changed_in_admin_records_who_old_and_new(client, commercial):
    """III.23, III.26: admin saves go through the service: the same rows as the API, from "admin"."""
    special = a_special(commercial)
    RuleChange.objects.all().delete()
    client.force_login(commercial)

    response = client.post(
        reverse("admin:orders_special_change", args=[special.pk]),
        {
            "product": special.product_id,
            "valid_from": "2026-11-01",
            "valid_to": "2026-11-30",
            "client_types": [client_type("market").pk, client_type("retail").pk],
            "note": "Cola at 42 this month",
            "special_price": "42.00",
        },
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    special.refresh_from_db()
    assert (special.note, special.special_price) == ("Cola at 42 this month", Decimal("42.00"))
    assert sorted(t.code for t in special.client_types.all()) == ["market", "retail"]
    assert rows() == [
        ("special", "changed", "client_types", "market", "market, retail", "kvasilieva", "admin"),
        (
            "special",
            "changed",
            "note",
            "Cola at 45 this month",
            "Cola at 42 this month",
            "kvasilieva",
            "admin",
        ),
        ("special", "changed", "special_price", "45.00", "42.00", "kvasilieva", "admin"),
    ]


def test_a_discount_rule_added_changed_and_deleted_in_admin_is_recorded(client, commercial):
    """III.10, III.26: add, change and delete in admin each leave their rows; the rows outlive the rule."""
    client.force_login(commercial)
    form = {
        "name": "Market from 10 000",
        "column": column_id("column_3"),
        "client_types": [client_type("market").pk],
        "min_subtotal": "10000.00",
        "priority": "15",
        "valid_from": "2026-11-01",
        "valid_to": "",
    }

    added = client.post(reverse("admin:orders_discountrule_add"), form)
    rule = DiscountRule.objects.get()
    changed = client.post(
        reverse("admin:orders_discountrule_change", args=[rule.pk]),
        {**form, "priority": "25", "valid_to": "2026-12-31"},
    )
    deleted = client.post(reverse("admin:orders_discountrule_delete", args=[rule.pk]), {"post": "yes"})

    assert (added.status_code, changed.status_code, deleted.status_code) == (302, 302, 302)
    assert rule.created_by == commercial
    assert not DiscountRule.objects.exists()
    who = ("kvasilieva", "admin")
    assert rows(object_id=rule.pk) == [
        ("discount_rule", "created", "name", "", "Market from 10 000", *who),
        ("discount_rule", "created", "column", "", "column_3", *who),
        ("discount_rule", "created", "client_types", "", "market", *who),
        ("discount_rule", "created", "min_subtotal", "", "10000.00", *who),
        ("discount_rule", "created", "priority", "", "15", *who),
        ("discount_rule", "created", "valid_from", "", "2026-11-01", *who),
        ("discount_rule", "changed", "priority", "15", "25", *who),
        ("discount_rule", "changed", "valid_to", "", "2026-12-31", *who),
        ("discount_rule", "deleted", "name", "Market from 10 000", "", *who),
        ("discount_rule", "deleted", "column", "column_3", "", *who),
        ("discount_rule", "deleted", "client_types", "market", "", *who),
        ("discount_rule", "deleted", "min_subtotal", "10000.00", "", *who),
        ("discount_rule", "deleted", "priority", "25", "", *who),
        ("discount_rule", "deleted", "valid_from", "2026-11-01", "", *who),
        ("discount_rule", "deleted", "valid_to", "2026-12-31", "", *who),
    ]
    assert set(RuleChange.objects.values_list("label", flat=True)) == {"Market from 10 000"}


def test_the_admin_deactivate_action_ends_the_rule_yesterday(client, commercial):
    """III.10: "Deactivate from today" in admin goes through the service and is recorded."""
    rule = a_rule(commercial)
    RuleChange.objects.all().delete()
    client.force_login(commercial)
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()

    response = client.post(
        reverse("admin:orders_discountrule_changelist"),
        {"action": "deactivate", "_selected_action": [rule.pk]},
    )

    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.valid_to.isoformat() == yesterday
    assert rows() == [("discount_rule", "deactivated", "valid_to", "", yesterday, "kvasilieva", "admin")]


def test_an_admin_form_the_service_refuses_writes_nothing(client, commercial):
    """III.26: the admin form asks the service's check, so admin refuses with the API's words
    (a period that ends before it starts) and writes neither the special nor history."""
    cola = ProductFactory(sku="COLA")
    client.force_login(commercial)
    response = client.post(
        reverse("admin:orders_special_add"),
        {
            "product": cola.pk,
            "valid_from": "2026-11-30",
            "valid_to": "2026-11-01",
            "note": "Backwards",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["valid_to"] == ["The period ends before it starts."]
    assert not Special.objects.exists() and not RuleChange.objects.exists()


def test_a_rules_change_page_links_to_its_history(client, commercial):
    """III.26: the history of one rule, from its page, filtered to it."""
    rule = a_rule(commercial)
    other = a_special(commercial)
    client.force_login(commercial)

    page = client.get(reverse("admin:orders_discountrule_change", args=[rule.pk])).content.decode()
    link = f"{reverse('admin:orders_rulechange_changelist')}?kind=discount_rule&amp;object_id={rule.pk}"
    history = client.get(link.replace("&amp;", "&"))

    assert f'<a href="{link}">Who changed what, and when</a>' in page
    assert history.status_code == 200
    assert history.context["cl"].result_count == 6  # the six fields it was created with
    assert {(row.kind, row.object_id) for row in history.context["cl"].result_list} == {
        ("discount_rule", rule.pk)
    }
    assert RuleChange.objects.filter(kind="special", object_id=other.pk).exists()  # not listed


# --- orders after confirmation -------------------------------------------------------------------


@pytest.fixture
def confirmed(shop):
    return OrderFactory(client=shop, taken_by=shop.manager, total=Decimal("100.00"))


def test_a_status_change_of_a_confirmed_order_records_who_old_new_and_reason(api, client, manager, confirmed):
    """III.14: the API and the screen both go through change_status, which records each move."""
    moved = api(manager).post(
        f"/api/v1/orders/{confirmed.pk}/status", {"status": "in_fulfilment"}, content_type=JSON
    )
    client.force_login(manager)
    cancelled = client.post(
        reverse("orders:status", args=[confirmed.pk]),
        {"status": "cancelled", "code": "client_refused", "reason": "Shop closed"},
    )

    assert (moved.status_code, cancelled.status_code) == (200, 302)
    confirmed.refresh_from_db()
    assert (confirmed.status, confirmed.cancel_code, confirmed.cancel_reason) == (
        "cancelled",
        "client_refused",
        "Shop closed",
    )
    assert order_rows(confirmed) == [
        ("status", "confirmed", "in_fulfilment", "", "tpavlova"),
        ("status", "in_fulfilment", "cancelled", "client_refused: Shop closed", "tpavlova"),
    ]


def test_a_refused_status_change_records_nothing(api, manager, operator, confirmed):
    """III.14: a move the rules refuse (delivered before fulfilment, an operator) is not history.
    An operator who did not take the order does not even see it (III.26)."""
    wrong = api(manager).post(
        f"/api/v1/orders/{confirmed.pk}/status", {"status": "delivered"}, content_type=JSON
    )
    with pytest.raises(OrderNotFound):
        change_status(actor=operator, order_id=confirmed.pk, status="in_fulfilment")
    assert wrong.status_code == 409
    assert not OrderChange.objects.exists()


def test_an_authorised_exception_is_recorded_with_the_reason_it_replaces(manager, shop, operator):
    """III.6, III.11: who let the order past the debt check, why, and the reason it replaced."""
    draft = OrderFactory(
        client=shop, taken_by=operator, status=Order.Status.DRAFT, number=None, confirmed_at=None
    )
    authorise_exception(actor=manager, order_id=draft.pk, reason="Paid in cash today")
    authorise_exception(actor=manager, order_id=draft.pk, reason="Paid in cash today, receipt 17")
    assert order_rows(draft) == [
        ("exception", "", "Paid in cash today", "", "tpavlova"),
        ("exception", "Paid in cash today", "Paid in cash today, receipt 17", "", "tpavlova"),
    ]


def test_a_confirmed_order_takes_no_edit_and_records_nothing(manager, confirmed, catalog):
    """III.12-III.14: after confirmation lines, terms and exceptions are refused (OrderNotEditable);
    only the status moves, so the history holds status changes only."""
    with pytest.raises(OrderNotEditable):
        add_line(actor=manager, order_id=confirmed.pk, sku="COLA", quantity="1")
    with pytest.raises(OrderNotEditable):
        set_terms(actor=manager, order_id=confirmed.pk, delivery={"window": "any"})
    with pytest.raises(OrderNotEditable):
        authorise_exception(actor=manager, order_id=confirmed.pk, reason="late")
    confirmed.refresh_from_db()
    assert (confirmed.lines.count(), confirmed.delivery_window, confirmed.exception_reason) == (0, "", "")
    assert not OrderChange.objects.exists()


# --- readable in admin, never editable ------------------------------------------------------------


@pytest.fixture
def histories(commercial, manager, confirmed, staff_of):
    """One row of each history: a rule, an order, a client and a price."""
    a_rule(commercial)
    change_status(actor=manager, order_id=confirmed.pk, status="in_fulfilment")
    head = staff_of(Role.HEAD, department_code="retail", username="head")
    update_client(actor=head, client_id=confirmed.client_id, changes={"manager": None})
    product = ProductFactory(sku="TEA")
    set_price(product_id=product.pk, column_code="base", amount="10.00", actor=commercial)
    return {
        "rulechange": RuleChange.objects.first(),
        "orderchange": OrderChange.objects.get(),
        "clientchange": ClientChange.objects.get(),
        "pricechange": PriceChange.objects.get(),
    }


@pytest.mark.parametrize(
    ("app", "model", "field"),
    [
        ("orders", "rulechange", "new_value"),
        ("orders", "orderchange", "new_value"),
        ("clients", "clientchange", "new_value"),
        ("orders", "pricechange", "new_amount"),
    ],
)
def test_history_is_read_in_admin_and_never_added_changed_or_deleted(
    client, admin_user, histories, app, model, field
):
    """III.26: even an admin (a superuser) reads the lists and rows, and is refused (403) adding,
    changing or deleting; a POST to change a row changes nothing."""
    row = histories[model]
    before = getattr(row, field)
    client.force_login(admin_user)
    url = f"admin:{app}_{model}"

    listing = client.get(reverse(f"{url}_changelist"))
    shown = client.get(reverse(f"{url}_change", args=[row.pk]))
    add = client.get(reverse(f"{url}_add"))
    change = client.post(reverse(f"{url}_change", args=[row.pk]), {field: "99999.00"})
    delete_page = client.get(reverse(f"{url}_delete", args=[row.pk]))
    delete = client.post(reverse(f"{url}_delete", args=[row.pk]), {"post": "yes"})
    bulk = client.post(
        reverse(f"{url}_changelist"),
        {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"},
    )

    assert (listing.status_code, shown.status_code) == (200, 200)
    assert f'name="{field}"' not in shown.content.decode()  # shown, not an input
    assert (add.status_code, change.status_code, delete_page.status_code, delete.status_code) == (403,) * 4
    assert bulk.status_code in (200, 302)  # no such action: the list again
    row.refresh_from_db()
    assert getattr(row, field) == before


def test_the_order_admin_shows_its_history(client, admin_user, histories, confirmed):
    """III.14: the order's page lists its changes, read-only."""
    client.force_login(admin_user)
    html = client.get(reverse("admin:orders_order_change", args=[confirmed.pk])).content.decode()
    assert "in_fulfilment" in html
    assert 'id="changes-group"' in html
    assert 'name="changes-0-new_value"' not in html
    listed = client.get(
        reverse("admin:orders_orderchange_changelist"), {"field": "status", "order__status": "in_fulfilment"}
    )
    assert [row.new_value for row in listed.context["cl"].result_list] == ["in_fulfilment"]


def test_commercial_reads_the_rule_history_but_not_the_orders(client, commercial, histories):
    """III.26: commercial management reads the history of what it keeps, not the orders'."""
    client.force_login(commercial)
    assert client.get(reverse("admin:orders_rulechange_changelist")).status_code == 200
    assert client.get(reverse("admin:orders_rulechange_add")).status_code == 403
    assert client.get(reverse("admin:orders_orderchange_changelist")).status_code == 403
    assert client.get(reverse("admin:clients_clientchange_changelist")).status_code == 403


def test_a_price_history_row_is_unchanged_by_a_later_price(commercial, histories):
    """III.10: a row says what happened then; a later change adds a row, never edits one."""
    row = histories["pricechange"]
    set_price(product_id=row.product_id, column_code="base", amount="12.50", actor=commercial)
    row.refresh_from_db()
    assert (row.old_amount, row.new_amount) == (None, Decimal("10.00"))
    assert PriceChange.objects.count() == 2
