"""Staff and clients endpoints of the API (API.md, "Service endpoints", "Staff", "Clients").

Thin doors: a Schema parses, a selector or service does the work (and checks the role), a
Schema shapes the answer. Errors are DeskErrors, turned into API.md's body by calldesk/api.py.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from pydantic import BeforeValidator

from calldesk.errors import InvalidInput
from calldesk.pagination import page_bounds
from calldesk.schemas import Money, error_responses
from clients.models import CLIENT_DEFAULT_LANGUAGE, Client
from clients.rules import Debt, Purpose
from clients.selectors import client_card, debt_of, lookup_call, matching_clients, staff_list
from clients.services import register_client, update_client
from staff.models import Department, Role, User
from staff.permissions import require_role
from staff.services import (
    create_staff,
    set_department_heads,
    set_language,
    set_opens_calls_at_once,
    set_presence,
)

router = Router(tags=["staff and clients"])


def money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


# --- Schemas ------------------------------------------------------------------------------------


def reject_float(value: Any) -> Any:
    """API.md: money is a decimal string ("1234.50"), never a float."""
    if isinstance(value, float):
        raise ValueError(_('send money as a decimal string, e.g. "50000.00"'))
    return value


MoneyIn = Annotated[Decimal, BeforeValidator(reject_float), Field(ge=0, max_digits=14, decimal_places=2)]


class MeOut(Schema):
    username: str
    full_name: str
    role: str | None
    department: str | None
    language: str | None = Field(description="en, ru or ro; null: the browser's language is followed.")
    opens_calls_at_once: bool = Field(
        description="The screen pop opens the call screen at once instead of waiting for its key (III.1)."
    )


class MeIn(Schema):
    language: str | None = Field(
        default=None, max_length=20, description='en, ru or ro; null or "": follow the browser.'
    )
    opens_calls_at_once: bool | None = Field(
        default=None, description="The screen pop opens the call screen at once (III.1); null: unchanged."
    )


class StaffIn(Schema):
    username: str = Field(min_length=1, max_length=150, pattern=r"^[\w.@+-]+$")
    full_name: str = Field(min_length=1, max_length=150)
    role: Role
    department: str | None = None
    key_account: bool = False
    email: str = Field(default="", max_length=254)
    password: str | None = Field(default=None, min_length=8)


class StaffOut(Schema):
    username: str
    full_name: str
    role: str | None
    department: str | None
    key_account: bool
    presence: str


class PresenceIn(Schema):
    status: str


class ClientIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    tax_id: str = Field(min_length=1, max_length=20)
    type: str
    phones: list[str] = []
    manager: str | None = None
    credit_limit: MoneyIn | None = None
    payment_terms_days: int = Field(default=0, ge=0, le=365)
    region: str = Field(default="", max_length=100)
    address: str = Field(default="", max_length=300)
    language: str = Field(
        default=CLIENT_DEFAULT_LANGUAGE, description="Of the documents and e-mails it receives: en, ru, ro."
    )


class ClientPatch(Schema):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    type: str | None = None
    manager: str | None = None
    credit_limit: MoneyIn | None = None
    payment_terms_days: int | None = Field(default=None, ge=0, le=365)
    region: str | None = Field(default=None, max_length=100)
    address: str | None = Field(default=None, max_length=300)
    language: str | None = None
    phones: list[str] | None = None
    email: str | None = Field(default=None, max_length=254, description='The client\'s e-mail; "": none.')
    order_form_by_email: bool | None = Field(
        default=None, description="Send the order form of every confirmed order to `email`."
    )
    price_column: str | None = Field(
        default=None,
        max_length=32,
        description="A price column's code fixed for this client (III.10), over its type's rules; "
        'null or "": the rules choose again. The head of its department.',
    )
    price_column_reason: str | None = Field(
        default=None, max_length=200, description="Why the column is fixed (required with one)."
    )


class ManagerOut(Schema):
    username: str
    full_name: str
    presence: str


class ClientOut(Schema):
    id: int
    name: str
    tax_id: str
    type: str
    department: str
    manager: ManagerOut | None
    phones: list[str] = Field(description="E.164, e.g. +74951234567.")
    region: str
    address: str
    credit_limit: Money | None = Field(description='null: no limit set; "0.00": no credit.')
    payment_terms_days: int
    language: str = Field(description="Of the documents and e-mails it receives: en, ru, ro.")
    email: str = Field(default="", description="Where its order forms and documents go.")
    order_form_by_email: bool = Field(
        default=False, description="The order form of every confirmed order goes to `email`."
    )
    price_column: str | None = Field(
        default=None, description="The price column fixed for this client (III.10); null: its type's rules."
    )
    price_column_reason: str = Field(default="", description="Why the column is fixed.")


class ClientList(Schema):
    count: int
    items: list[ClientOut]


class DebtOut(Schema):
    overdue: Money
    outstanding: Money
    open_orders: Money
    credit_limit: Money | None
    headroom: Money | None
    blocks_order: bool
    reasons: list[str]


class RouteOut(Schema):
    handler: str
    user: str | None
    clause: str
    reason: str


class LookupOut(Schema):
    client: ClientOut | None
    debt: DebtOut | None
    route: RouteOut


def client_out(client: Client) -> dict:
    manager = client.manager
    return {
        "id": client.pk,
        "name": client.name,
        "tax_id": client.tax_id,
        "type": client.type.code,
        "department": client.department.code,
        "manager": None
        if manager is None
        else {
            "username": manager.username,
            "full_name": manager.get_full_name(),
            "presence": manager.presence,
        },
        "phones": [phone.number for phone in client.phones.all()],
        "region": client.region,
        "address": client.address,
        "credit_limit": money(client.credit_limit),
        "payment_terms_days": client.payment_terms_days,
        "language": client.language,
        "email": client.email,
        "order_form_by_email": client.order_form_by_email,
        "price_column": client.price_column.code if client.price_column_id else None,
        "price_column_reason": client.price_column_reason,
    }


def debt_out(debt: Debt) -> dict:
    return {
        "overdue": money(debt.overdue),
        "outstanding": money(debt.outstanding),
        "open_orders": money(debt.open_orders),
        "credit_limit": money(debt.credit_limit),
        "headroom": money(debt.headroom),
        "blocks_order": debt.blocks_order,
        "reasons": list(debt.reasons),
    }


def staff_out(user: User) -> dict:
    return {
        "username": user.username,
        "full_name": user.get_full_name(),
        "role": user.role,
        "department": user.department.code if user.department_id else None,
        "key_account": user.key_account,
        "presence": user.presence,
    }


# --- Service endpoints --------------------------------------------------------------------------


def me_out(user: User) -> dict:
    return {
        "username": user.username,
        "full_name": user.get_full_name(),
        "role": user.role,
        "department": user.department.code if user.department_id else None,
        "language": user.language or None,
        "opens_calls_at_once": user.opens_calls_at_once,
    }


@router.get("/me", response={200: MeOut, **error_responses()}, tags=["service"])
def me(request: HttpRequest):
    """The token's user, their role, department and chosen language."""
    return me_out(request.auth)


@router.patch("/me", response={200: MeOut, **error_responses()}, tags=["service"])
def patch_me(request: HttpRequest, payload: MeIn):
    """Choose the language the desk speaks to the token's user (null: their browser's), and
    whether a call for them opens its screen at once (III.1)."""
    user = request.auth
    if "language" in payload.model_fields_set:
        set_language(user=user, language=payload.language)
    if payload.opens_calls_at_once is not None:
        set_opens_calls_at_once(user=user, at_once=payload.opens_calls_at_once)
    return me_out(user)


# --- Staff --------------------------------------------------------------------------------------


class StaffList(Schema):
    count: int
    items: list[StaffOut]


@router.post("/staff", response={201: StaffOut, **error_responses(409)})
def create_staff_member(request: HttpRequest, payload: StaffIn):
    """Create a member of staff (admin)."""
    require_role(request.auth)  # admins only
    user = create_staff(
        username=payload.username,
        full_name=payload.full_name,
        role=payload.role,
        department_code=payload.department,
        password=payload.password,
        email=payload.email,
        key_account=payload.key_account,
    )
    return Status(201, staff_out(staff_list().get(pk=user.pk)))


@router.get("/staff", response={200: StaffList, **error_responses()})
def list_staff(request: HttpRequest, role: str = "", department: str = "", limit: int = 50, offset: int = 0):
    """Active staff with role, department, key-account flag and presence."""
    start, end = page_bounds(limit, offset)
    staff = staff_list()
    if role:
        staff = staff.filter(groups__name=role)
    if department:
        staff = staff.filter(department__code=department)
    return {"count": staff.count(), "items": [staff_out(user) for user in staff[start:end]]}


@router.put("/staff/{username}/presence", response={200: StaffOut, **error_responses(404)})
def put_presence(request: HttpRequest, username: str, payload: PresenceIn):
    """Set presence: the person, their head, an admin, or the telephone exchange."""
    person = set_presence(actor=request.auth, username=username, presence=payload.status)
    return staff_out(staff_list().get(pk=person.pk))


# --- Departments ----------------------------------------------------------------------------------


class DepartmentIn(Schema):
    head: str | None = Field(
        max_length=150,
        description="The head's username; null: none. The head and the deputy are replaced together.",
    )
    deputy: str | None = Field(
        default=None,
        max_length=150,
        description="The deputy's username; null or left out: none (PUT replaces both).",
    )


class DepartmentOut(Schema):
    code: str
    name: str
    head: str | None
    deputy: str | None


def department_out(department: Department) -> dict:
    return {
        "code": department.code,
        "name": department.name,  # the stored name, as every API answer gives it
        "head": department.head.username if department.head else None,
        "deputy": department.deputy.username if department.deputy else None,
    }


@router.put("/departments/{code}", response={200: DepartmentOut, **error_responses(404)})
def put_department(request: HttpRequest, code: str, payload: DepartmentIn):
    """Name the department's head and deputy (admin): each an active head who works in it (in
    finance, one of finance), two different people; a refused body changes nothing. A route to
    the department's head names the head, or the deputy when only the deputy is reachable."""
    department = set_department_heads(
        actor=request.auth, code=code, head=payload.head or None, deputy=payload.deputy or None
    )
    return department_out(department)


# --- Clients --------------------------------------------------------------------------------------


@router.post("/clients", response={201: ClientOut, **error_responses(409)})
def create_client(request: HttpRequest, payload: ClientIn):
    """Register a client; its department comes from its type (III.15)."""
    client = register_client(
        actor=request.auth,
        name=payload.name,
        tax_id=payload.tax_id,
        type_code=payload.type,
        phones=payload.phones,
        manager=payload.manager,
        credit_limit=payload.credit_limit,
        payment_terms_days=payload.payment_terms_days,
        region=payload.region,
        address=payload.address,
        language=payload.language,
    )
    return Status(201, client_out(client_card(client_id=client.pk)))


@router.get("/clients", response={200: ClientList, **error_responses()})
def find_clients(request: HttpRequest, search: str = "", limit: int = 50, offset: int = 0):
    """Clients by name or tax id (every word, in any order, whatever the case, ё or quotes), or by
    phone (any notation)."""
    start, end = page_bounds(limit, offset)
    found = matching_clients(search)
    return {"count": found.count(), "items": [client_out(c) for c in found[start:end]]}


@router.get("/clients/{client_id}", response={200: ClientOut, **error_responses(404)})
def get_client(request: HttpRequest, client_id: int):
    return client_out(client_card(client_id=client_id))


@router.patch("/clients/{client_id}", response={200: ClientOut, **error_responses(404, 409)})
def patch_client(request: HttpRequest, client_id: int, payload: ClientPatch):
    """Change a client: heads the type, manager and a fixed price column (III.2, III.10), finance
    the credit limit and terms."""
    changes = payload.dict(exclude_unset=True)
    if not changes:
        raise InvalidInput(_("Send at least one field to change."))
    update_client(actor=request.auth, client_id=client_id, changes=changes)
    return client_out(client_card(client_id=client_id))


@router.get("/clients/{client_id}/debt", response={200: DebtOut, **error_responses(404)})
def get_debt(request: HttpRequest, client_id: int, on: date | None = None):
    """The debt check (III.5) on a day (default today)."""
    return debt_out(debt_of(client_id=client_id, on=on or timezone.localdate()))


@router.get("/lookup", response={200: LookupOut, **error_responses()})
def lookup(request: HttpRequest, phone: str, purpose: str = Purpose.ORDER):
    """The screen pop: who is calling, their debt, and who serves the call (III.3-III.6, III.15-III.19)."""
    found = lookup_call(phone=phone, purpose=purpose, on=timezone.localdate())
    route = found.route
    return {
        "client": client_out(found.client) if found.client else None,
        "debt": debt_out(found.debt) if found.debt else None,
        "route": {
            "handler": route.handler,
            "user": route.user,
            "clause": route.clause,
            "reason": route.reason,
        },
    }
