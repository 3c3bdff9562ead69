"""Writes on clients: register and update a client, assign a manager, change its type (III.2,
III.15). Each service owns its transaction."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from calldesk.errors import FieldError, Forbidden, InvalidInput
from clients.exceptions import ClientNotFound, DuplicateClient, InvalidClientData
from clients.models import (
    CLIENT_DEFAULT_LANGUAGE,
    Client,
    ClientChange,
    ClientPhone,
    ClientType,
    DeliveryAddress,
    language_choices,
)
from clients.phones import normalize_phone
from staff.models import Role, User
from staff.permissions import (
    CLIENT_FIELDS,
    CLIENT_FIELDS_OF_FINANCE,
    CLIENT_FIELDS_OF_HEADS,
    has_role,
    may_assign_manager,
    may_change_client,
    may_register_client,
    may_serve_key_clients,
    may_set_credit_terms,
)

# --- Clients (III.2, III.15) ---------------------------------------------------------------------

TRACKED_FIELDS = {
    "type": ClientChange.Field.TYPE,
    "manager": ClientChange.Field.MANAGER,
    "credit_limit": ClientChange.Field.CREDIT_LIMIT,
    "payment_terms_days": ClientChange.Field.PAYMENT_TERMS,
    "price_column": ClientChange.Field.PRICE_COLUMN,
}


def _display(field: str, value) -> str:
    if value is None:
        return ""
    if field == "type":
        return value.code
    if field == "manager":
        return value.username
    if field == "price_column":  # (column, reason)
        column, reason = value
        return "" if column is None else f"{column.code}: {reason}"[:200]
    return str(value)


def _refusal(actor: User, field: str, client: Client) -> Forbidden:
    """Why `may_change_client` said no, in words the person can act on."""
    heads_only = field in CLIENT_FIELDS_OF_HEADS and not has_role(actor, {Role.HEAD.value})
    if field in CLIENT_FIELDS_OF_FINANCE or heads_only:
        return Forbidden(_("Your role may not change %(field)s.") % {"field": field})
    if field in CLIENT_FIELDS_OF_HEADS:
        return Forbidden(
            _("Only the head of %(department)s may do this.") % {"department": client.department}
        )
    return Forbidden(
        _("Only the client's manager or the head of %(department)s may change %(field)s.")
        % {"department": client.department, "field": field}
    )


def resolve_manager(username: str | None, *, department_id: int, key_client: bool) -> User | None:
    if username is None:
        return None
    manager = (
        User.objects.filter(username=username, is_active=True)
        .filter(Q(department_id=department_id) | Q(headed_departments__id=department_id))
        .filter(groups__name__in=[Role.MANAGER.value, Role.HEAD.value])
        .first()
    )
    if manager is None:
        raise InvalidClientData(
            _("%(username)s is not a manager of the client's department.") % {"username": username},
            errors=[FieldError(field="manager", detail=_("Not a manager of this department."))],
        )
    if key_client and not may_serve_key_clients(manager):
        raise InvalidClientData(
            _("A key client needs a key-account manager (III.4)."),
            errors=[FieldError(field="manager", detail=_("Not a key-account manager."))],
        )
    return manager


def _resolve_type(code: str) -> ClientType:
    client_type = ClientType.objects.select_related("department").filter(code=code).first()
    if client_type is None:
        raise InvalidClientData(
            _("Unknown client type %(code)s.") % {"code": code},
            errors=[FieldError(field="type", detail=_("Unknown client type."))],
        )
    return client_type


def _normalise_phones(phones: list[str], *, client_id: int | None) -> list[str]:
    numbers: list[str] = []
    errors = []
    for index, raw in enumerate(phones):
        try:
            number = normalize_phone(raw)
        except InvalidInput:
            errors.append(
                FieldError(
                    field=f"phones.{index}", detail=_("%(phone)s is not a phone number.") % {"phone": raw}
                )
            )
            continue
        if number not in numbers:
            numbers.append(number)
    if errors:
        raise InvalidClientData(_("Some phones are not valid."), errors=errors)
    elsewhere = ClientPhone.objects.filter(number__in=numbers)
    if client_id is not None:  # the client's own numbers are not taken
        elsewhere = elsewhere.exclude(client_id=client_id)
    taken = sorted(elsewhere.values_list("number", flat=True))
    if taken:
        raise DuplicateClient(
            _("Another client already has the phone %(phones)s.") % {"phones": ", ".join(taken)},
            errors=[
                FieldError(field="phones", detail=_("Already another client's: %(n)s") % {"n": n})
                for n in taken
            ],
        )
    return numbers


def _money_or_none(value, field: str) -> Decimal | None:
    if value is None:
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        amount = None
    if amount is None or not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")):
        raise InvalidClientData(
            _("%(field)s must be an amount of money, not %(value)s.") % {"field": field, "value": value},
            errors=[FieldError(field=field, detail=_("A non-negative amount with at most two decimals."))],
        )
    return amount.quantize(Decimal("0.01"))


def _record(client: Client, field: str, old, new, actor: User | None, note: str = "") -> ClientChange | None:
    old_text, new_text = _display(field, old), _display(field, new)
    if old_text == new_text:
        return None
    return ClientChange(
        client=client,
        field=TRACKED_FIELDS[field],
        old_value=old_text,
        new_value=new_text,
        changed_by=actor,
        note=note,
    )


@transaction.atomic
def register_client(
    *,
    actor: User,
    name: str,
    tax_id: str,
    type_code: str,
    phones: list[str],
    manager: str | None = None,
    credit_limit=None,
    payment_terms_days: int = 0,
    region: str = "",
    address: str = "",
    language: str = CLIENT_DEFAULT_LANGUAGE,
) -> Client:
    """Register a client (III.15). Its department comes from its type; without a manager it waits
    in the department head's queue; `language` is that of what it receives (II.2, III.18).
    Raises Forbidden, InvalidClientData, DuplicateClient."""
    if not may_register_client(actor):
        raise Forbidden()
    if manager is not None and not has_role(actor, {Role.HEAD.value}):
        raise Forbidden(_("Only a head assigns a manager (III.15)."))
    limit = _money_or_none(credit_limit, "credit_limit")
    if (limit is not None or payment_terms_days) and not may_set_credit_terms(actor):
        raise Forbidden(_("Only finance sets credit limits and payment terms."))
    name, tax_id = name.strip(), tax_id.strip()
    if not name or not tax_id:
        raise InvalidClientData(
            _("A client needs a name and a tax id."),
            errors=[
                FieldError(field=f, detail=_("Required."))
                for f, v in (("name", name), ("tax_id", tax_id))
                if not v
            ],
        )
    client_type = _resolve_type(type_code)
    language = _language(language)
    if Client.objects.filter(tax_id=tax_id).exists():
        raise DuplicateClient(
            _("A client with tax id %(tax_id)s already exists.") % {"tax_id": tax_id},
            errors=[FieldError(field="tax_id", detail=_("Already registered."))],
        )
    numbers = _normalise_phones(phones, client_id=None)
    client = Client(
        name=name,
        tax_id=tax_id,
        type=client_type,
        department=client_type.department,
        manager=resolve_manager(
            manager, department_id=client_type.department_id, key_client=not client_type.operator_takes_orders
        ),
        region=region,
        address=address,
        credit_limit=limit,
        payment_terms_days=payment_terms_days,
        language=language,
        joined_on=timezone.localdate(),
    )
    client.set_search_text()
    department_id = client.department_id
    if client.manager is not None and not may_assign_manager(actor, client_department_id=department_id):
        raise Forbidden(_("Only the head of %(department)s may do this.") % {"department": client.department})
    try:
        with transaction.atomic():
            client.save()
            ClientPhone.objects.bulk_create([ClientPhone(client=client, number=n) for n in numbers])
            if client.address:  # its first delivery address (III.12)
                DeliveryAddress.objects.create(
                    client=client, address=client.address, region=client.region, is_default=True
                )
    except IntegrityError:  # a concurrent registration took the tax id or a phone first
        raise DuplicateClient(
            _("The tax id or a phone was registered a moment ago by someone else.")
        ) from None
    return client


@transaction.atomic
def update_client(*, actor: User, client_id: int, changes: dict, note: str = "") -> Client:
    """Change a client's fields, each as the actor's role allows; type, manager, credit limit and
    payment terms keep history (who, when, old, new). Locks the client row.

    `changes` keys: name, type (code), manager (username or None), credit_limit, payment_terms_days,
    region, address, language (a code of settings.LANGUAGES), phones (the full list),
    price_column (a column's code; null or "" frees it) and price_column_reason (III.10), email and
    order_form_by_email (the order form goes to that e-mail on every confirmation). Raises
    ClientNotFound, Forbidden, InvalidClientData, DuplicateClient; on any error nothing is written.
    """
    client = (
        Client.objects.select_for_update(of=("self",))
        .select_related("type", "department", "manager")
        .filter(pk=client_id)
        .first()
    )
    if client is None:
        raise ClientNotFound()
    for field in changes:
        if field not in CLIENT_FIELDS:
            raise InvalidClientData(
                _("%(field)s cannot be changed.") % {"field": field},
                errors=[FieldError(field=field, detail=_("Unknown or read-only field."))],
            )
        # every field checks the client as well as the role: a head acts on their department's
        # clients only, a manager on their own (III.26)
        if not may_change_client(
            actor, field, client_manager_id=client.manager_id, client_department_id=client.department_id
        ):
            raise _refusal(actor, field, client)

    history: list[ClientChange | None] = []
    if "type" in changes:
        new_type = _resolve_type(changes["type"])
        history.append(_record(client, "type", client.type, new_type, actor, note))
        if new_type.department_id != client.department_id and "manager" not in changes and client.manager:
            # A new department: the client waits in its new head's queue (III.15).
            history.append(_record(client, "manager", client.manager, None, actor, note))
            client.manager = None
        client.type, client.department = new_type, new_type.department
    if "manager" in changes:
        manager = resolve_manager(
            changes["manager"],
            department_id=client.department_id,
            key_client=not client.type.operator_takes_orders,
        )
        history.append(_record(client, "manager", client.manager, manager, actor, note))
        client.manager = manager
    elif "type" in changes and client.manager is not None:
        resolve_manager(
            client.manager.username,
            department_id=client.department_id,
            key_client=not client.type.operator_takes_orders,
        )
    if "credit_limit" in changes:
        limit = _money_or_none(changes["credit_limit"], "credit_limit")
        history.append(_record(client, "credit_limit", client.credit_limit, limit, actor, note))
        client.credit_limit = limit
    if "payment_terms_days" in changes:
        days = changes["payment_terms_days"]
        if not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= 365:
            raise InvalidClientData(
                _("Payment terms are a number of days from 0 to 365."),
                errors=[FieldError(field="payment_terms_days", detail=_("0 to 365."))],
            )
        history.append(_record(client, "payment_terms_days", client.payment_terms_days, days, actor, note))
        client.payment_terms_days = days
    for field in ("name", "region", "address"):
        if field in changes:
            value = str(changes[field] or "").strip()
            if field == "name" and not value:
                raise InvalidClientData(
                    _("A client needs a name."), errors=[FieldError(field="name", detail=_("Required."))]
                )
            setattr(client, field, value)
    if "language" in changes:
        client.language = _language(changes["language"])
    if "email" in changes:
        client.email = _email(changes["email"])
    if "order_form_by_email" in changes:
        client.order_form_by_email = bool(changes["order_form_by_email"])
    if client.order_form_by_email and not client.email:
        raise InvalidClientData(
            _("Order forms go by e-mail: give the client's e-mail."),
            errors=[FieldError(field="email", detail=_("Required to send order forms."))],
        )
    if "price_column" in changes or "price_column_reason" in changes:
        history.append(_fix_column(client, changes, actor, note))
    client.set_search_text()  # the name the desk's search reads (III.1)
    client.save()
    if "phones" in changes:
        numbers = _normalise_phones(list(changes["phones"] or []), client_id=client.pk)
        client.phones.exclude(number__in=numbers).delete()
        existing = set(client.phones.values_list("number", flat=True))
        ClientPhone.objects.bulk_create(
            [ClientPhone(client=client, number=n) for n in numbers if n not in existing]
        )
    if client.address and "address" in changes and not client.delivery_addresses.exists():
        # a client with no delivery address yet gets this one as its first (III.12)
        DeliveryAddress.objects.create(
            client=client, address=client.address, region=client.region, is_default=True
        )
    ClientChange.objects.bulk_create([change for change in history if change is not None])
    return client


def _fix_column(client: Client, changes: dict, actor: User, note: str) -> ClientChange | None:
    """Fix the client's price column with a reason, or free it (`price_column` null or ""), so
    that the discount rules of its type choose again (III.10). Changes `client`, not saved."""
    from orders.models import PriceColumn

    old = (client.price_column, client.price_column_reason)
    code = changes.get("price_column", client.price_column.code if client.price_column else None)
    reason = str(changes.get("price_column_reason", client.price_column_reason) or "").strip()
    if not code:
        column, reason = None, ""
    else:
        column = PriceColumn.objects.filter(code=str(code)).first()
        if column is None:
            raise InvalidClientData(
                _("Unknown price column %(code)s.") % {"code": str(code)[:40]},
                errors=[FieldError(field="price_column", detail=_("Unknown price column."))],
            )
        if not reason:
            raise InvalidClientData(
                _("Say why the client's price column is fixed."),
                errors=[FieldError(field="price_column_reason", detail=_("Required."))],
            )
        if len(reason) > 200:
            raise InvalidClientData(
                _("The reason is too long."),
                errors=[FieldError(field="price_column_reason", detail=_("At most 200 characters."))],
            )
    client.price_column, client.price_column_reason = column, reason
    return _record(client, "price_column", old, (column, reason), actor, note)


def _email(value) -> str:
    """A client's e-mail, or "" for none."""
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    email = str(value or "").strip()
    try:
        if email:
            validate_email(email)
    except ValidationError:
        raise InvalidClientData(
            _("%(email)s is not an e-mail address.") % {"email": email[:80]},
            errors=[FieldError(field="email", detail=_("Enter a valid e-mail address."))],
        ) from None
    return email


def _language(code) -> str:
    """A language of the desk (settings.LANGUAGES), for what a client receives."""
    codes = [code for code, _name in language_choices()]
    if code not in codes:
        raise InvalidClientData(
            _("Unknown language %(code)s; the desk's languages are: %(codes)s.")
            % {"code": str(code)[:20], "codes": ", ".join(codes)},
            errors=[
                FieldError(
                    field="language", detail=_("Choose one of: %(codes)s.") % {"codes": ", ".join(codes)}
                )
            ],
        )
    return code


def assign_manager(*, actor: User, client_id: int, manager: str | None, note: str = "") -> Client:
    """A head assigns (or reassigns, or removes) a client's manager (III.2, III.15)."""
    return update_client(actor=actor, client_id=client_id, changes={"manager": manager}, note=note)


def change_client_type(*, actor: User, client_id: int, type_code: str, note: str = "") -> Client:
    """A head changes a client's type (III.2); a new department sends it to that head's queue."""
    return update_client(actor=actor, client_id=client_id, changes={"type": type_code}, note=note)
