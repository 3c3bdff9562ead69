"""Reads on clients that screens and the API need. Each runs a fixed number of queries."""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict, overload

from django.conf import settings
from django.contrib.auth.models import Group
from django.db.models import (
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from calldesk.errors import FieldError, InvalidInput
from calldesk.prepared import Prepared, columns, model_from_row
from calldesk.search import words_match
from clients.exceptions import ClientNotFound
from clients.models import Client, ClientPhone, ClientType, DeliveryAddress, Receivable
from clients.phones import normalize_phone
from clients.rules import (
    CallFacts,
    Debt,
    Person,
    Purpose,
    Route,
    assess_debt,
    debt_sentence,
    needs_staff_roster,
    route_call,
)
from staff.models import Department, Role, User

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

WHOLESALE = "wholesale"

_DIGITS = re.compile(r"\D")
ZERO = Value(Decimal("0.00"), output_field=DecimalField(max_digits=14, decimal_places=2))


def _with_card_data(clients: QuerySet[Client]) -> QuerySet[Client]:
    return clients.select_related("type", "department", "manager", "price_column").prefetch_related(
        Prefetch("phones", queryset=ClientPhone.objects.order_by("id"))
    )


def matching_clients(term: str) -> QuerySet[Client]:
    """Clients matching a phone (any notation), a tax id, or part of a name, by name.

    A term of mostly digits is read as a phone first (exact E.164 match), then as the start of
    a tax id or the end of a phone; anything else is read by the desk's search rule
    (calldesk.search: every word, in any order, in the name or tax id, whatever the case, ё or
    quotes). Fewer than two characters match nothing. Each page of it costs two queries
    (clients with relations, phones).
    """
    return _with_card_data(_matching(term)).order_by("name", "id")


def _matching(term: str) -> QuerySet[Client]:
    term = term.strip()
    if len(term) < 2:
        return Client.objects.none()
    digits = _DIGITS.sub("", term)
    if len(digits) >= 5 and len(digits) >= len(term.replace(" ", "")) - 4:
        phones = Q(number__endswith=digits[-10:])
        with contextlib.suppress(InvalidInput):  # digits that are no phone: tax id / suffix only
            phones |= Q(number=normalize_phone(term))
        # A subquery, not a join: a client with two matching phones is listed once, with no
        # DISTINCT over the whole card (on PostgreSQL both sides use trigram indexes).
        condition = Q(tax_id__startswith=digits) | Q(
            pk__in=ClientPhone.objects.filter(phones).values("client_id")
        )
    else:
        words = words_match("search_text", term)
        if words is None:
            return Client.objects.none()
        condition = words
    return Client.objects.filter(condition)


def search_clients(term: str, *, limit: int = 20) -> list[Client]:
    """The first `limit` clients matching `term` (see matching_clients), with type, department,
    manager and phones. Three queries (one when nothing matches).

    The first `limit` are picked among the matching rows alone, and only they are read with
    their type, department, manager and phones: a common name part matches thousands of
    clients. Those two reads are compiled once per number of clients found (calldesk.prepared):
    the desk runs them at every key the operator types."""
    ids = list(_matching(term).order_by("name", "id").values_list("pk", flat=True)[:limit])
    if not ids:
        return []
    ordinals: dict[str, Any] = {f"c{n}": pk for n, pk in enumerate(ids)}
    clients = []
    for row in _prepared_for(_FOUND_CARDS, len(ids), _found_cards).run(**ordinals):
        client = model_from_row(Client, row)
        client.type = model_from_row(ClientType, row, "type__")
        client.department = model_from_row(Department, row, "department__")
        client.manager = model_from_row(User, row, "manager__")
        client._prefetched_objects_cache = {}
        clients.append(client)
    phones: dict[int, list[ClientPhone]] = {pk: [] for pk in ids}
    for row in _prepared_for(_FOUND_PHONES, len(ids), _found_phones).run(**ordinals):
        phones[row["client"]].append(model_from_row(ClientPhone, row))
    for client in clients:  # as prefetch_related fills them: no query later
        found = client.phones.all()
        found._result_cache, found._prefetch_done = phones[client.pk], True
        client._prefetched_objects_cache["phones"] = found
    return clients


_FOUND_CARDS: dict[int, Prepared] = {}
_FOUND_PHONES: dict[int, Prepared] = {}


def _found_cards(**ordinals: int) -> QuerySet:
    return (
        Client.objects.filter(pk__in=list(ordinals.values()))
        .order_by("name", "id")
        .values(
            *columns(Client),
            *columns(ClientType, "type__"),
            *columns(Department, "department__"),
            *columns(User, "manager__"),
        )
    )


def _found_phones(**ordinals: int) -> QuerySet:
    return (
        ClientPhone.objects.filter(client_id__in=list(ordinals.values()))
        .order_by("client_id", "id")
        .values(*columns(ClientPhone))
    )


def _prepared_for(cache: dict[int, Prepared], count: int, build) -> Prepared:
    """The prepared read of `count` clients by id (sentinels c0..c{count-1})."""
    found = cache.get(count)
    if found is None:
        found = cache.setdefault(count, Prepared(build, **{f"c{n}": -190102100 - n for n in range(count)}))
    return found


@dataclass(frozen=True)
class Debtor:
    client: Client
    overdue: Decimal
    outstanding: Decimal


def overdue_clients(*, on: date, department_id: int | None = None, limit: int = 200) -> list[Debtor]:
    """Clients with receivables unpaid past their due date on `on`, largest first. One query.

    (III.5: due on `on` itself is not yet overdue.)
    """
    unpaid = F("receivables__amount") - F("receivables__paid")
    unpaid_filter = Q(receivables__paid__lt=F("receivables__amount"), receivables__issued_on__lte=on)
    clients = Client.objects.annotate(
        overdue=Coalesce(Sum(unpaid, filter=unpaid_filter & Q(receivables__due_on__lt=on)), ZERO),
        outstanding=Coalesce(Sum(unpaid, filter=unpaid_filter), ZERO),
    ).filter(overdue__gt=0)
    if department_id is not None:
        clients = clients.filter(department_id=department_id)
    clients = clients.select_related("type", "manager").order_by("-overdue", "name")[:limit]
    return [Debtor(client=c, overdue=c.overdue, outstanding=c.outstanding) for c in clients]


# --- III.5: the debt check, aggregated in the database ----------------------------------------


def _money_sum(queryset: QuerySet, expression) -> Subquery:
    """A correlated subquery summing `expression` over `queryset` (per client)."""
    return Subquery(
        queryset.order_by().values("client_id").annotate(total=Sum(expression)).values("total")[:1],
        output_field=DecimalField(max_digits=14, decimal_places=2),
    )


# The names of the annotations `_debt_sums` makes.
DEBT_SUMS = ("outstanding_sum", "overdue_sum", "open_orders_sum")


class DebtSums(TypedDict):
    outstanding_sum: Decimal
    overdue_sum: Decimal
    open_orders_sum: Decimal


def debt_sums(on: date, *, client_ref: str = "pk") -> dict[str, Coalesce]:
    """The three sums of the debt check as annotations (correlated subqueries) on clients, or on
    any rows whose `client_ref` column names the client (a call's "client_id").

    outstanding: unpaid receivables issued by `on`; overdue: those due before `on` (due that day
    is not overdue); open orders: confirmed or in fulfilment (III.5, III.9).
    """
    from orders.models import Order

    unpaid = ExpressionWrapper(
        F("amount") - F("paid"), output_field=DecimalField(max_digits=14, decimal_places=2)
    )
    receivables = Receivable.objects.filter(
        client_id=OuterRef(client_ref), paid__lt=F("amount"), issued_on__lte=on
    )
    open_orders = Order.objects.filter(client_id=OuterRef(client_ref), status__in=Order.Status.OPEN)
    return {
        "outstanding_sum": Coalesce(_money_sum(receivables, unpaid), ZERO),
        "overdue_sum": Coalesce(_money_sum(receivables.filter(due_on__lt=on), unpaid), ZERO),
        "open_orders_sum": Coalesce(_money_sum(open_orders, F("total")), ZERO),
    }


def _assess(*, credit_limit, outstanding_sum, overdue_sum, open_orders_sum) -> Debt:
    return assess_debt(
        overdue=_cents(overdue_sum),
        outstanding=_cents(outstanding_sum),
        open_orders=_cents(open_orders_sum),
        credit_limit=None if credit_limit is None else _cents(credit_limit),
    )


def debt_of(*, client_id: int, on: date) -> Debt:
    """The client's debt on `on`, as `GET /clients/{id}/debt` defines it. One query.
    Raises ClientNotFound."""
    rows = DEBT.run(client_id=client_id, on=on)
    if not rows:
        raise ClientNotFound()
    return _assess(**rows[0])


# The debt check runs on every screen and step of an order (III.5, III.9): its three correlated
# subqueries are compiled once (calldesk.prepared), run with each client's id and day.
DEBT = Prepared(
    lambda client_id, on: (
        Client.objects.filter(pk=client_id).annotate(**debt_sums(on)).values("credit_limit", *DEBT_SUMS)[:1]
    ),
    client_id=-190102035,
    on=date(1901, 2, 3),
)


def _cents(value) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"))


# --- Reads for the API and the head's screens ---------------------------------------------------


def client_card(*, client_id: int) -> Client:
    """One client with type, department, manager and phones. Two queries. Raises ClientNotFound."""
    client = _with_card_data(Client.objects.filter(pk=client_id)).first()
    if client is None:
        raise ClientNotFound()
    return client


def client_by_phone(*, phone: str) -> Client | None:
    """The client whose phone this is, in any notation. Two queries; InvalidInput if no phone."""
    return _by_phone(Client.objects.all(), phone).first()


def _by_phone(clients: QuerySet[Client], phone: str) -> QuerySet[Client]:
    number = normalize_phone(phone)
    return _with_card_data(clients.filter(phones__number=number)).select_related(
        "department__head", "department__deputy"
    )


def clients_waiting_for_a_manager(*, department_id: int) -> QuerySet[Client]:
    """The head's queue (III.15): clients of the department with no manager, oldest first."""
    return _with_card_data(Client.objects.filter(department_id=department_id, manager__isnull=True)).order_by(
        "created_at", "id"
    )


def department_clients(*, department_id: int, search: str = "") -> QuerySet[Client]:
    """The department's clients by name; `search` finds them as the desk does (matching_clients)."""
    clients = _matching(search) if search.strip() else Client.objects.all()
    return _with_card_data(clients.filter(department_id=department_id)).order_by("name", "id")


def managers_of_department(*, department_id: int) -> list[User]:
    """Who may be a client's manager in a department: its active managers and head."""
    return list(
        User.objects.filter(
            Q(department_id=department_id) | Q(headed_departments__id=department_id),
            is_active=True,
            groups__name__in=[Role.MANAGER.value, Role.HEAD.value],
        )
        .distinct()
        .order_by("full_name", "username")
    )


def staff_list() -> QuerySet[User]:
    return (
        User.objects.filter(is_active=True)
        .select_related("department")
        .prefetch_related(Prefetch("groups", queryset=Group.objects.filter(name__in=Role.values)))
        .order_by("username")
    )


# --- The routing facts (III.3, III.4, III.6, III.15, III.19) ------------------------------------


@overload
def _person(user: User) -> Person: ...
@overload
def _person(user: User | None) -> Person | None: ...
def _person(user: User | None) -> Person | None:
    if user is None:
        return None
    return Person(
        username=user.username,
        full_name=user.get_full_name() or user.username,
        presence=user.presence,
        is_active=user.is_active,
    )


def call_facts(*, client: Client | None, purpose: str, debt: Debt | None) -> CallFacts:
    """The values the routing rule needs for this client and purpose. No query for a caller
    whose own people decide the route; two more (the key-account managers and finance, the head
    of wholesale) only when the rule may pass the call beyond them (needs_staff_roster)."""
    if client is None:
        return CallFacts(purpose=purpose, client_known=False)
    facts = CallFacts(
        purpose=purpose,
        client_known=True,
        is_key_client=not client.type.operator_takes_orders,
        manager=_person(client.manager),
        department_name=str(client.department),
        department_head=_person(client.department.head),
        department_deputy=_person(client.department.deputy),
        debt_blocks_order=bool(debt and debt.blocks_order),
        debt_sentence=debt_sentence(debt, currency=settings.CURRENCY) if debt else "",
    )
    if not needs_staff_roster(facts):
        return facts
    finance_members = Group.objects.filter(name=Role.FINANCE.value, user=OuterRef("pk"))
    staff = list(
        User.objects.filter(is_active=True)
        .filter(Q(key_account=True) | Q(groups__name=Role.FINANCE.value))
        .annotate(is_finance=Exists(finance_members))
        .distinct()
        .order_by("full_name", "username")
    )
    wholesale = Department.objects.select_related("head", "deputy").filter(code=WHOLESALE).first()
    return replace(
        facts,
        key_account_managers=tuple(_person(u) for u in staff if u.key_account),
        wholesale_head=_person(wholesale.head if wholesale else None),
        wholesale_deputy=_person(wholesale.deputy if wholesale else None),
        finance=tuple(_person(u) for u in staff if u.is_finance),
    )


@dataclass(frozen=True)
class Lookup:
    client: Client | None
    debt: Debt | None
    route: Route


def lookup_call(*, phone: str, purpose: str = Purpose.ORDER, on: date) -> Lookup:
    """The screen pop's data: the caller, their debt and who serves the call.

    Two queries for most callers: the client with its card and its debt sums in one, its phones
    in the other (two more when the route may go beyond the client's own people)."""
    if purpose not in Purpose.ALL:
        raise InvalidInput(
            _("Unknown purpose %(purpose)s.") % {"purpose": purpose},
            errors=[FieldError(field="purpose", detail=_("One of: order, reference, other."))],
        )
    client = _caller(number=normalize_phone(phone), on=on)
    if client is None:
        route = route_call(call_facts(client=None, purpose=purpose, debt=None))
        return Lookup(client=None, debt=None, route=route)
    debt = _assess(
        credit_limit=client.credit_limit,
        outstanding_sum=client.outstanding_sum,
        overdue_sum=client.overdue_sum,
        open_orders_sum=client.open_orders_sum,
    )
    route = route_call(call_facts(client=client, purpose=purpose, debt=debt))
    return Lookup(client=client, debt=debt, route=route)


def card_columns(prefix: str = "") -> list[str]:
    """The `.values()` names of a client's card reached through `prefix` ("client__" from a
    call): the client, its type, its department and the department's head and deputy, its manager."""
    return [
        *columns(Client, prefix),
        *columns(ClientType, prefix + "type__"),
        *columns(Department, prefix + "department__"),
        *columns(User, prefix + "department__head__"),
        *columns(User, prefix + "department__deputy__"),
        *columns(User, prefix + "manager__"),
    ]


def card_from_row(row: dict, prefix: str = "") -> Client | None:
    """The client with its card as `card_columns(prefix)` read it (None when there is none),
    its phones loaded as prefetch_related would have loaded them (one query)."""
    client = model_from_row(Client, row, prefix)
    if client is None:
        return None
    client.type = model_from_row(ClientType, row, prefix + "type__")
    department = model_from_row(Department, row, prefix + "department__")
    department.head = model_from_row(User, row, prefix + "department__head__")
    department.deputy = model_from_row(User, row, prefix + "department__deputy__")
    client.department = department
    client.manager = model_from_row(User, row, prefix + "manager__")
    phones = client.phones.all()  # filled here, as prefetch_related fills it: no query later
    phones._result_cache = [model_from_row(ClientPhone, r) for r in CALLER_PHONES.run(client_id=client.pk)]
    phones._prefetch_done = True
    client._prefetched_objects_cache = {"phones": phones}
    return client


def debt_from_row(row: dict, *, credit_limit) -> Debt:
    """The debt (III.5) from the three sums `debt_sums` annotated on a row."""
    return _assess(credit_limit=credit_limit, **{name: row[name] for name in DEBT_SUMS})


def _caller_values(number: str, on: date) -> QuerySet:
    """The client who owns the number, with the card (type, department and its head, manager)
    and the three debt sums on `on` (III.5), as one `.values()` row."""
    return (
        Client.objects.filter(phones__number=number)
        .annotate(**debt_sums(on))
        .order_by("pk")
        .values(*card_columns(), *DEBT_SUMS)[:1]
    )


# The screen pop runs these on every call: compiled once, run with each caller's values.
CALLER = Prepared(_caller_values, number="prepared:no-such-number", on=date(1901, 2, 3))
CALLER_PHONES = Prepared(
    lambda client_id: (
        ClientPhone.objects.filter(client=client_id).order_by("id").values(*columns(ClientPhone))
    ),
    client_id=-190102031,
)


def _caller(*, number: str, on: date) -> WithAnnotations[Client, DebtSums] | None:
    """The caller as `_by_phone(...)` with the debt sums would load it, in two queries."""
    rows = CALLER.run(number=number, on=on)
    if not rows:
        return None
    row = rows[0]
    client: Any = card_from_row(row)  # a card row always holds its client
    client.outstanding_sum = row["outstanding_sum"]
    client.overdue_sum = row["overdue_sum"]
    client.open_orders_sum = row["open_orders_sum"]
    return client


def lookup_client(*, client: Client | None, purpose: str = Purpose.ORDER, on: date) -> Lookup:
    """The debt and the route for a client already found (by phone, or picked during the call)."""
    debt = debt_of(client_id=client.pk, on=on) if client is not None else None
    route = route_call(call_facts(client=client, purpose=purpose, debt=debt))
    return Lookup(client=client, debt=debt, route=route)


# --- Delivery addresses and their receivers (III.12) ---------------------------------------------


@dataclass(frozen=True)
class DeliveryChoice:
    """One pick on the order's delivery step: an address, and a person authorised to receive
    goods there (blank when the address has none yet)."""

    address_id: int
    address: str
    notes: str
    is_default: bool
    receiver_name: str
    receiver_phone: str

    @property
    def label(self) -> str:
        who = ", ".join(part for part in (self.receiver_name, self.receiver_phone) if part)
        return f"{self.address} — {who}" if who else self.address


def delivery_choices(*, client_id: int) -> list[DeliveryChoice]:
    """The client's delivery addresses, the default first, each once per authorised receiver
    (III.12). One query, however many addresses and receivers."""
    rows = (
        DeliveryAddress.objects.filter(client_id=client_id)
        .order_by("-is_default", "address", "id", "receivers__name", "receivers__id")
        .values_list("pk", "address", "notes", "is_default", "receivers__name", "receivers__phone")
    )
    return [
        DeliveryChoice(pk, address, notes, is_default, name or "", phone or "")
        for pk, address, notes, is_default, name, phone in rows
    ]
