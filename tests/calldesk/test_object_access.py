"""Reads and writes scoped to the reader (III.26), walked over every route that names an object.

For every screen and API operation whose path names a record, and for every role the access
matrix lets through that door, two people of the role ask for the same record: the one the
object rules let in gets in (never 403/404, never a 500), and the second one, who may not see it,
gets 404, as if it did not exist (no existence leak). Where the second one may see the record
but not change it, the API answers 403 and a screen shows the refusal. A route that names an
object and is missing from ROUTES fails the first test, so no new route skips this walk.

The people: two of each role, «a» and «b». Ирина Соколова (operator a) took the draft for
«Магазин Ромашка» and holds its call; Олег Кузнецов (manager a) serves the client; Татьяна Павлова
(head a) heads wholesale, the client's department, and Helen Black (head b) retail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from calldesk import access
from calldesk.api import api as desk_api
from calls.models import Callback, Consultation, FeedbackRoute, ReferenceRequest
from calls.services import ask_head, record_feedback, register_call
from clients.models import Client
from messaging.models import InboxMessage
from orders.models import Order, OrderLine
from outbound.models import CallTask
from outbound.services import create_campaign
from reports.models import ExportJob
from staff.models import Department, Role
from staff.services import issue_api_token
from tests.factories import (
    ClientFactory,
    ClientPhoneFactory,
    OrderFactory,
    OrderLineFactory,
    ProductFactory,
    client_type,
    department,
    make_staff,
    price,
)

pytestmark = pytest.mark.django_db

IN, NOT_THERE, REFUSED = "in", "404", "refused"
ALL_IN = {"a": IN, "b": IN}
A_ONLY = {"a": IN, "b": NOT_THERE}
SEEN_REFUSED = {"a": REFUSED, "b": REFUSED}

# Who of the two of each role gets in, by the kind of record a route names.
DRAFT = {"operator": A_ONLY, "manager": A_ONLY, "head": A_ONLY, "finance": ALL_IN, "admin": ALL_IN}
CALL_READ = {"operator": A_ONLY, "manager": A_ONLY, "head": A_ONLY, "finance": ALL_IN, "admin": ALL_IN}
CALL_WORK = {  # the side panels are the call's operator's; who sees the call but is not it: refused
    "operator": A_ONLY,
    "manager": {"a": REFUSED, "b": NOT_THERE},
    "head": {"a": REFUSED, "b": NOT_THERE},
    "finance": SEEN_REFUSED,
    "admin": ALL_IN,
}
CLIENT_CARD = dict.fromkeys(("operator", "manager", "head", "finance", "admin"), ALL_IN)
CLIENT_WRITE = {  # a head their department's clients, a manager their own; finance the limits
    "manager": {"a": IN, "b": REFUSED},
    "head": {"a": IN, "b": REFUSED},
    "finance": ALL_IN,
    "admin": ALL_IN,
}
STATUS_API = {"operator": A_ONLY, "manager": A_ONLY, "head": A_ONLY, "finance": SEEN_REFUSED, "admin": ALL_IN}
PERSON = {  # presence: the person, their head, admins and the exchange
    "operator": {"a": IN, "b": REFUSED},
    "manager": {"a": IN, "b": REFUSED},
    "head": {"a": IN, "b": REFUSED},
    "finance": {"a": IN, "b": REFUSED},
    "commercial": {"a": IN, "b": REFUSED},
    "admin": ALL_IN,
}
OWN_MESSAGE = dict.fromkeys(("operator", "manager", "head", "finance", "commercial"), A_ONLY) | {
    "admin": A_ONLY
}
DEPARTMENT_COPY = {  # a comment's copy is its department's (III.20); «a»'s department's copy
    "operator": ALL_IN,
    "manager": ALL_IN,
    "head": A_ONLY,
    "finance": ALL_IN,
    "commercial": A_ONLY,
    "admin": ALL_IN,
}
SHARED_QUEUE = dict.fromkeys(("operator", "manager", "head", "admin"), ALL_IN)  # III.22
TASK = {"operator": A_ONLY, "head": ALL_IN, "admin": ALL_IN}  # heads read every task (III.17)
DEPARTMENT_HEAD = {"head": A_ONLY, "admin": ALL_IN}
# a question to the head: its department's heads, and commercial management, to whom it goes
# when no head nor deputy is at work (III.11)
CONSULTATION = {"head": A_ONLY, "commercial": ALL_IN, "admin": ALL_IN}
ADMIN_ONLY = {"admin": ALL_IN}  # a department's head and deputy (III.4, III.15, III.19)
OWN_EXPORT = {"head": A_ONLY, "admin": ALL_IN}


@dataclass(frozen=True)
class Route:
    who: dict  # role -> {"a": outcome, "b": outcome}
    target: str  # which record the path names (World.ids)
    body: dict | None = None  # the body of a POST/PUT/PATCH, so that the view runs
    htmx: bool = False


ORDER_BODY = {"status": "cancelled", "code": "client_refused", "reason": "Клиент передумал"}
ROUTES: dict[str, Route | str] = {
    # --- Screens, by URL name ---
    "inbox-read": Route(OWN_MESSAGE, "message"),
    "media": "names a file, not a record: uploaded certificates are for every member of staff (III.18)",
    "calls:call": Route(CALL_READ, "call"),
    "calls:call-answers": Route(CALL_READ, "call", htmx=True),
    "calls:transfer": Route(CALL_WORK, "call", {"to": "okuznetsov", "reason": "Ключевой клиент"}),
    "calls:wrap-up": Route(CALL_WORK, "call", {"purpose": "order", "outcome": "no_answer"}),
    "calls:attach-client": Route(CALL_WORK, "call", {"client": "client"}),
    "calls:new-client": Route(CALL_WORK, "call", {"name": "Kolos", "tax_id": "7700000001", "type": "market"}),
    "calls:call-feedback": Route(CALL_WORK, "call", {"text": "Хотят скидку", "departments": ["wholesale"]}),
    "calls:consult": Route(CALL_WORK, "call", {"question": "Можно ли отсрочку?", "department": "wholesale"}),
    "calls:reference": Route(CALL_WORK, "call", {"email": "buyer@romashka.example", "documents": ["prices"]}),
    "calls:callback-take": Route(SHARED_QUEUE, "callback"),
    "calls:feedback-status": Route(DEPARTMENT_COPY, "feedback_copy", {"status": "seen"}),
    "calls:answer": Route(CONSULTATION, "consultation", {"answer": "Да, до пятницы"}),
    "outbound:task": Route(TASK, "task"),
    "outbound:task-call": Route(TASK, "task"),
    "outbound:campaign": Route(DEPARTMENT_HEAD, "campaign"),
    "outbound:campaign-close": Route(DEPARTMENT_HEAD, "campaign"),
    "outbound:campaign-export": Route(DEPARTMENT_HEAD, "campaign"),
    "clients:assignment": Route(DEPARTMENT_HEAD, "client", {"manager": "okuznetsov", "type": "market"}),
    "orders:order": Route(DRAFT, "draft"),
    "orders:status": Route({"manager": A_ONLY, "head": A_ONLY, "admin": ALL_IN}, "draft", ORDER_BODY),
    "orders:exception": Route(
        {"manager": A_ONLY, "head": A_ONLY, "finance": ALL_IN, "admin": ALL_IN},
        "draft",
        {"reason": "Оплатят"},
    ),
    "orders:product-search": Route(DRAFT, "draft", htmx=True),
    "orders:line-add": Route(DRAFT, "draft", {"product": "TEA", "quantity": "2"}),
    "orders:line-change": Route(DRAFT, "draft", {"quantity": "3"}),
    "orders:line-remove": Route(DRAFT, "draft", {}),
    "orders:offer": Route(DRAFT, "draft", {"sku": "TEA", "outcome": "declined", "reason": "Нет места"}),
    "orders:terms": Route(DRAFT, "draft", {"receiver_name": "Ирина"}),
    "orders:confirm": Route(DRAFT, "draft", {}),
    "reports:export-progress": Route(OWN_EXPORT, "export"),
    "reports:export-download": Route(OWN_EXPORT, "export"),
    # --- API operations ---
    "PUT /staff/{username}/presence": Route(PERSON, "person", {"status": "busy"}),
    "PUT /departments/{code}": Route(ADMIN_ONLY, "department", {"head": "tpavlova", "deputy": None}),
    "GET /clients/{client_id}": Route(CLIENT_CARD, "client"),
    "GET /clients/{client_id}/debt": Route(CLIENT_CARD, "client"),
    "PATCH /clients/{client_id}": Route(CLIENT_WRITE, "client", {"address": "Москва, ул. Ленина, 2"}),
    "GET /orders/{order_id}": Route(DRAFT, "draft"),
    "PATCH /orders/{order_id}": Route(DRAFT, "draft", {"notes": "Позвонить за час"}),
    "POST /orders/{order_id}/lines": Route(DRAFT, "draft", {"sku": "TEA", "quantity": "1"}),
    "PATCH /orders/{order_id}/lines/{line_id}": Route(DRAFT, "draft", {"quantity": "4"}),
    "DELETE /orders/{order_id}/lines/{line_id}": Route(DRAFT, "draft"),
    "GET /orders/{order_id}/suggestions": Route(DRAFT, "draft"),
    "POST /orders/{order_id}/offers": Route(
        DRAFT, "draft", {"sku": "TEA", "outcome": "declined", "reason": "-"}
    ),
    "POST /orders/{order_id}/confirm": Route(DRAFT, "draft", {}),
    "POST /orders/{order_id}/exception": Route(
        {"manager": A_ONLY, "head": A_ONLY, "finance": ALL_IN, "admin": ALL_IN},
        "draft",
        {"reason": "Оплатят"},
    ),
    "POST /orders/{order_id}/status": Route(STATUS_API, "draft", ORDER_BODY),
    "POST /calls/{call_id}/end": Route(CALL_WORK, "call", {"purpose": "order", "outcome": "no_answer"}),
    "POST /call-tasks/{task_id}/result": Route(TASK, "task", {"outcome": "informed"}),
}
BODY_BY_ROLE = {("PATCH /clients/{client_id}", "finance"): {"credit_limit": "5000.00"}}


def object_routes() -> list[str]:
    """Every screen and API operation whose path names a record."""
    screens = [name for route, name in access.screen_routes() if "<" in route]
    operations = [key for key in access.api_operations(desk_api) if "{" in key]
    return sorted(screens) + sorted(operations)


def walk() -> list[tuple[str, str]]:
    cases = []
    for key in object_routes():
        route = ROUTES.get(key)
        rule = access.SCREENS.get(key) or access.API.get(key)
        if isinstance(route, Route) and rule is not None:
            cases += [(key, role) for role in sorted(rule.roles)]
    return cases


def test_every_route_that_names_an_object_is_in_the_walk():
    assert sorted(ROUTES) == sorted(object_routes())


def test_the_walk_covers_every_role_the_matrix_lets_through():
    """A role the matrix lets through a route must have its two people in the table."""
    for key, role in walk():
        assert role in ROUTES[key].who, (key, role)


# --- The world: two people of each role and the records they ask for --------------------------------


class World:
    def __init__(self):
        wholesale, retail = department("wholesale"), department("retail")
        self.people = {
            "operator": (
                make_staff(
                    Role.OPERATOR,
                    department_code="call_center",
                    username="isokolova",
                    full_name="Ирина Соколова",
                ),
                make_staff(
                    Role.OPERATOR,
                    department_code="call_center",
                    username="apetrova",
                    full_name="Anna Petrova",
                ),
            ),
            "manager": (
                make_staff(
                    Role.MANAGER,
                    department_code="wholesale",
                    username="okuznetsov",
                    full_name="Олег Кузнецов",
                ),
                make_staff(
                    Role.MANAGER, department_code="wholesale", username="mbrown", full_name="Mark Brown"
                ),
            ),
            "head": (
                make_staff(
                    Role.HEAD, department_code="wholesale", username="tpavlova", full_name="Татьяна Павлова"
                ),
                make_staff(Role.HEAD, department_code="retail", username="hblack", full_name="Helen Black"),
            ),
            "finance": (
                make_staff(
                    Role.FINANCE, department_code="finance", username="nfedorova", full_name="Нина Федорова"
                ),
                make_staff(
                    Role.FINANCE, department_code="finance", username="jsmith", full_name="John Smith"
                ),
            ),
            "commercial": (
                make_staff(
                    Role.COMMERCIAL, department_code="wholesale", username="aorlov", full_name="Андрей Орлов"
                ),
                make_staff(
                    Role.COMMERCIAL, department_code="retail", username="pwhite", full_name="Paul White"
                ),
            ),
            "admin": (
                make_staff(Role.ADMIN, username="admin1", full_name="Admin One"),
                make_staff(Role.ADMIN, username="admin2", full_name="Админ Второй"),
            ),
        }
        Department.objects.filter(pk=wholesale.pk).update(head=self.people["head"][0])
        Department.objects.filter(pk=retail.pk).update(head=self.people["head"][1])
        operator, manager, head = (
            self.people["operator"][0],
            self.people["manager"][0],
            self.people["head"][0],
        )
        price(ProductFactory(sku="TEA", name="Чай чёрный"), "base", "120.00")
        self.client = ClientFactory(
            name="Магазин Ромашка", manager=manager, credit_limit=Decimal("900000.00")
        )
        ClientPhoneFactory(client=self.client, number="+74951112233")
        self.draft = OrderFactory(
            client=self.client, status="draft", number=None, confirmed_at=None, taken_by=operator
        )
        self.line = OrderLineFactory(order=self.draft, product=ProductFactory(sku="COFFEE", name="Кофе"))
        self.call = register_call(actor=operator, direction="inbound", phone="+74951112233")
        self.consultation = ask_head(actor=operator, call_id=self.call.pk, question="Скидка на чай?")
        record_feedback(
            actor=operator,
            call_id=self.call.pk,
            client_id=self.client.pk,
            text="Просят доставку по субботам",
            departments=["wholesale", "retail", "call_center", "finance"],
        )
        self.callback = Callback.objects.create(
            client=self.client, phone="+74951112233", due_at=timezone.now(), created_by=operator
        )
        campaign, _count = create_campaign(
            actor=head,
            name="Летние напитки",
            goal="Продать летний ассортимент",
            script="Добрый день!",
            questions=[],
            due_on=date.today() + timedelta(days=14),
            target={},
        )
        self.campaign = campaign
        self.task = CallTask.objects.filter(call_list__campaign=campaign).first()
        CallTask.objects.filter(pk=self.task.pk).update(operator=operator)
        self.export = ExportJob.objects.create(
            requested_by=head,
            kind="sales",
            format="csv",
            params={},
            status=ExportJob.Status.DONE,
            file_name="sales.csv",
            content=b"day,total\n",
        )
        self.messages = {
            role: InboxMessage.objects.create(recipient=pair[0], subject="Заказ", body="Подтверждён")
            for role, pair in self.people.items()
        }

    def ids(self, target: str, role: str) -> dict:
        """The path's values for `target`, as asked by the role's people."""
        a = self.people[role][0]
        if target == "draft":
            return {"order_id": self.draft.pk, "line_id": self.line.pk}
        if target == "message":
            return {"message_id": self.messages[role].pk}
        if target == "feedback_copy":
            department_id = a.department_id or Department.objects.get(code="wholesale").pk
            return {"route_id": FeedbackRoute.objects.get(department_id=department_id).pk}
        if target == "person":
            return {"username": a.username}
        if target == "department":
            return {"code": "wholesale"}
        return {
            "call": {"call_id": self.call.pk},
            "client": {"client_id": self.client.pk},
            "callback": {"callback_id": self.callback.pk},
            "consultation": {"consultation_id": self.consultation.pk},
            "task": {"task_id": self.task.pk},
            "campaign": {"campaign_id": self.campaign.pk, "fmt": "csv"},
            "export": {"job_id": self.export.pk},
        }[target]


@pytest.fixture
def world(db):
    return World()


def ask(world: World, key: str, role: str, who: str):
    route = ROUTES[key]
    user = world.people[role][0 if who == "a" else 1]
    if route.target == "draft":  # the draft as it was, whatever the other person's request did
        world.draft.save()
        world.line.save()
    ids = world.ids(route.target, role)
    body = BODY_BY_ROLE.get((key, role), route.body)
    if body and "client" in body and body["client"] == "client":
        body = {**body, "client": world.client.pk}
    headers = {"HX-Request": "true"} if route.htmx else {}
    if key in access.SCREENS:
        pattern = next(r for r, name in access.screen_routes() if name == key)
        kwargs = {name: ids[name] for name in re.findall(r"<(?:\w+:)?(\w+)>", pattern)}
        browser = HttpClient()
        browser.force_login(user)
        url = reverse(key, kwargs=kwargs)
        if body is None:
            response = browser.get(url, headers=headers)
            if response.status_code == 405:
                response = browser.post(url, headers=headers)
            return response
        return browser.post(url, body, headers=headers)
    method, path = key.split(" ", 1)
    url = "/api/v1" + re.sub(r"\{(\w+)\}", lambda m: str(ids[m.group(1)]), path)
    token = issue_api_token(user=user, name="walk").raw
    http = HttpClient(headers={"Authorization": f"Bearer {token}"})
    if body is None:
        return getattr(http, method.lower())(url)
    return getattr(http, method.lower())(url, body, content_type="application/json")


@pytest.mark.parametrize(("key", "role"), walk(), ids=lambda v: str(v))
def test_the_one_the_rules_let_in_gets_in_and_the_other_gets_404(world, key, role):
    """The second person asks first: a refusal must not depend on what the first one changed."""
    expected = ROUTES[key].who[role]
    for who in ("b", "a"):
        response = ask(world, key, role, who)
        status = response.status_code
        assert status < 500, (key, role, who, status)
        if expected[who] == NOT_THERE:
            assert status == 404, (key, role, who, status)
        elif expected[who] == IN:
            assert status not in {401, 403, 404}, (key, role, who, status)
        else:  # seen but not theirs: the API says 403, a screen shows the refusal
            assert status != 404, (key, role, who, status)
            if key not in access.SCREENS:
                assert status == 403, (key, role, who, status)


# --- Lists answer only what the reader may see --------------------------------------------------------


def api_of(user) -> HttpClient:
    return HttpClient(headers={"Authorization": f"Bearer {issue_api_token(user=user, name='t').raw}"})


@pytest.fixture
def orders(world):
    """Orders of three clients: Ромашка (wholesale, Олег Кузнецов), a key client of Mark Brown's,
    and a retail shop; the draft above is Ирина Соколова's."""
    mark = world.people["manager"][1]
    key_client = ClientFactory(name="Сеть «Берёзка»", type=client_type("key"))
    Client.objects.filter(pk=key_client.pk).update(manager=mark)
    retail_shop = ClientFactory(name="Corner shop", type=client_type("retail"))
    anna = world.people["operator"][1]
    return {
        "draft": world.draft,
        "romashka": OrderFactory(client=world.client, number="2026-000101", taken_by=anna),
        "key": OrderFactory(client=key_client, number="2026-000102", taken_by=anna),
        "retail": OrderFactory(client=retail_shop, number="2026-000103", taken_by=anna),
        "anna_draft": OrderFactory(
            client=retail_shop, status="draft", number=None, confirmed_at=None, taken_by=anna
        ),
    }


def test_get_orders_lists_a_heads_department_only(world, orders):
    tatiana, helen = world.people["head"]
    assert {o["id"] for o in api_of(tatiana).get("/api/v1/orders").json()["items"]} == {
        orders["draft"].pk,
        orders["romashka"].pk,
        orders["key"].pk,
    }
    assert {o["id"] for o in api_of(helen).get("/api/v1/orders").json()["items"]} == {
        orders["retail"].pk,
        orders["anna_draft"].pk,
    }
    everything = api_of(world.people["admin"][0]).get("/api/v1/orders").json()
    assert everything["count"] == len(orders) == Order.objects.count()


def test_a_managers_orders_screen_lists_their_clients_orders_only(world, orders):
    oleg, mark = world.people["manager"]
    for person, wanted in ((oleg, {"draft", "romashka"}), (mark, {"key"})):
        browser = HttpClient()
        browser.force_login(person)
        page = browser.get(reverse("orders:my-orders"))
        assert {o.pk for o in page.context["page"]} == {orders[name].pk for name in wanted}


def test_an_operator_reads_only_the_orders_they_took(world, orders):
    irina, anna = world.people["operator"]
    visible = {
        name
        for name, order in orders.items()
        if api_of(irina).get(f"/api/v1/orders/{order.pk}").status_code == 200
    }
    assert visible == {"draft"}
    visible = {
        name
        for name, order in orders.items()
        if api_of(anna).get(f"/api/v1/orders/{order.pk}").status_code == 200
    }
    assert visible == {"romashka", "key", "retail", "anna_draft"}


def test_a_key_account_manager_reads_any_key_clients_orders(world, orders):
    """III.4: the key client's call goes to another key-account manager when its own is away."""
    kam = make_staff(
        Role.MANAGER, department_code="wholesale", username="kam", full_name="Людмила Ключ", key_account=True
    )
    http = api_of(kam)
    visible = {
        name for name, order in orders.items() if http.get(f"/api/v1/orders/{order.pk}").status_code == 200
    }
    assert visible == {"key"}


def test_the_call_register_lists_the_readers_calls_only(world):
    irina, anna = world.people["operator"]
    anna_call = register_call(actor=anna, direction="outbound", phone="+74957770000")
    assert [c["id"] for c in api_of(irina).get("/api/v1/calls").json()["items"]] == [world.call.pk]
    assert [c["id"] for c in api_of(anna).get("/api/v1/calls").json()["items"]] == [anna_call.pk]
    tatiana, helen = world.people["head"]
    assert [c["id"] for c in api_of(tatiana).get("/api/v1/calls").json()["items"]] == [world.call.pk]
    assert api_of(helen).get("/api/v1/calls").json()["items"] == []


def test_the_call_task_list_is_the_operators_own_and_the_unassigned(world):
    irina, anna = world.people["operator"]
    mine = {t["id"] for t in api_of(irina).get("/api/v1/call-tasks").json()["items"]}
    theirs = {t["id"] for t in api_of(anna).get("/api/v1/call-tasks").json()["items"]}
    unassigned = set(CallTask.objects.filter(operator__isnull=True).values_list("pk", flat=True))
    assert world.task.pk in mine and world.task.pk not in theirs
    assert mine == set(CallTask.objects.filter(operator=irina).values_list("pk", flat=True)) | unassigned
    assert theirs == set(CallTask.objects.filter(operator=anna).values_list("pk", flat=True)) | unassigned


# --- Side doors that wrote: nothing is written by whoever may not ------------------------------------


def test_a_retail_head_does_not_change_a_wholesale_clients_name_address_or_phones(world):
    helen = world.people["head"][1]
    change = {"name": "Ромашка и партнёры", "address": "Тверь", "phones": ["+74950000001"]}
    refused = api_of(helen).patch(
        f"/api/v1/clients/{world.client.pk}", change, content_type="application/json"
    )
    assert refused.status_code == 403
    assert (
        refused.json()["detail"]
        == "Only the client's manager or the head of Wholesale sales may change name."
    )
    world.client.refresh_from_db()
    assert (world.client.name, world.client.address) == ("Магазин Ромашка", "Moscow, Lenina st. 1")
    assert list(world.client.phones.values_list("number", flat=True)) == ["+74951112233"]
    tatiana = world.people["head"][0]
    done = api_of(tatiana).patch(
        f"/api/v1/clients/{world.client.pk}", change, content_type="application/json"
    )
    assert done.status_code == 200
    assert done.json()["name"] == "Ромашка и партнёры"


def test_a_second_operator_writes_nothing_on_a_colleagues_call(world):
    anna = world.people["operator"][1]
    browser = HttpClient()
    browser.force_login(anna)
    before = (Consultation.objects.count(), FeedbackRoute.objects.count(), ReferenceRequest.objects.count())
    posts = {
        "calls:call-feedback": {"text": "Спам", "departments": ["wholesale"]},
        "calls:consult": {"question": "?", "department": "wholesale"},
        "calls:reference": {"email": "anyone@example.com", "documents": ["prices"]},
    }
    for name, body in posts.items():
        assert browser.post(reverse(name, args=[world.call.pk]), body).status_code == 404, name
    assert (
        Consultation.objects.count(),
        FeedbackRoute.objects.count(),
        ReferenceRequest.objects.count(),
    ) == before
    assert OrderLine.objects.filter(order=world.draft).count() == 1
