"""Specials (III.7, III.23) and discount rules (III.10): created, changed, deactivated and deleted
only here, whatever the door (`POST /api/v1/specials` and `/discount-rules`, the admin). Each
write checks the whole input again (`validate_special`, `validate_discount_rule`, also asked by
the admin's forms) and leaves RuleChange rows in its own transaction: one per field whose text
changed, with who, when, old, new and where from (`Source`).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from calldesk.errors import FieldError, InvalidInput, NotFound
from calldesk.parsing import parse_date, parse_money
from clients.models import ClientType
from orders.models import DiscountRule, PriceColumn, Product, RuleChange, Source, Special
from staff.models import User
from staff.permissions import PRICE_LIST_ROLES, require_role

# Special.special_price is DecimalField(max_digits=12, decimal_places=2); DiscountRule.min_subtotal has 14.
PRICE_LIMIT = Decimal(10) ** 10
SUBTOTAL_LIMIT = Decimal(10) ** 12
NOTE_MAX_LENGTH = Special._meta.get_field("note").max_length
RULE_NAME_MAX_LENGTH = DiscountRule._meta.get_field("name").max_length

SPECIAL_INPUT = (
    "sku",
    "valid_from",
    "valid_to",
    "client_types",
    "note",
    "kind",
    "special_price",
    "percent",
    "buy",
    "pay",
)
# The terms each kind of special needs (III.23); a note (no kind) takes none of them.
KIND_TERMS = {
    "": (),
    Special.Kind.SPECIAL_PRICE: ("special_price",),
    Special.Kind.PERCENT_OFF: ("percent",),
    Special.Kind.N_FOR_M: ("buy", "pay"),
    Special.Kind.FREE_PER_N: ("buy",),
}
COUNT_LIMIT = 10_000
RULE_INPUT = ("name", "column", "client_types", "min_subtotal", "priority", "valid_from", "valid_to")


def _client_types(codes: Any, errors: list[FieldError]) -> list[ClientType]:
    if not isinstance(codes, list | tuple) or not all(isinstance(code, str) for code in codes):
        errors.append(FieldError("client_types", _("Expected a list of client type codes.")))
        return []
    types = list(ClientType.objects.filter(code__in=set(codes)).order_by("code"))
    unknown = sorted(set(codes) - {client_type.code for client_type in types})
    if unknown:
        errors.append(
            FieldError(
                "client_types",
                _("Unknown client types: %(codes)s.") % {"codes": ", ".join(unknown)},
            )
        )
    return types


def _period(valid_from: Any, valid_to: Any, errors: list[FieldError], *, open_end: bool) -> tuple:
    """The period's two dates (valid_to may be None when `open_end`), checked in order."""
    dates: dict[str, date | None] = {}
    for name, value in (("valid_from", valid_from), ("valid_to", valid_to)):
        if value is None or (isinstance(value, str) and not value.strip()):
            dates[name] = None
            if name == "valid_from" or not open_end:
                errors.append(FieldError(name, _("This field is required.")))
            continue
        try:
            dates[name] = parse_date(value)
        except ValueError as exc:
            errors.append(FieldError(name, str(exc)))
            dates[name] = None
    start, end = dates["valid_from"], dates["valid_to"]
    if start is not None and end is not None and end < start:
        errors.append(FieldError("valid_to", _("The period ends before it starts.")))
    return start, end


def validate_special(data: dict) -> dict:
    """A special's input (`SPECIAL_INPUT`: the SKU, the period, client type codes, the line to
    read out, an optional special price) checked and turned into the model's values. Raises
    InvalidInput naming every bad field. Also asked by the admin form, so the rule is this one."""
    errors: list[FieldError] = []
    sku = data.get("sku")
    product = Product.objects.filter(sku=sku.strip()).first() if isinstance(sku, str) else None
    if product is None:
        errors.append(FieldError("sku", _("No product has the SKU %(sku)s.") % {"sku": sku}))
    start, end = _period(data.get("valid_from"), data.get("valid_to"), errors, open_end=False)
    types = _client_types(data.get("client_types", []), errors)
    note = data.get("note")
    note = note.strip() if isinstance(note, str) else ""
    if not note:
        errors.append(FieldError("note", _("Write the line the operator reads out.")))
    elif len(note) > NOTE_MAX_LENGTH:
        errors.append(FieldError("note", _("At most %(count)d characters.") % {"count": NOTE_MAX_LENGTH}))
    terms = _promotion_terms(data, errors)
    if errors:
        raise InvalidInput(_("The special is not valid."), errors=errors)
    return {
        "product": product,
        "valid_from": start,
        "valid_to": end,
        "client_types": types,
        "note": note,
        **terms,
    }


def _promotion_terms(data: dict, errors: list[FieldError]) -> dict:
    """How the special changes the price (III.23): `kind` and the terms it needs, checked. A
    special price without a kind is a special price (as specials were before kinds); no kind and
    no terms is a note, which changes nothing."""
    kind = data.get("kind") or ""
    given = {name for name in ("special_price", "percent", "buy", "pay") if data.get(name) not in (None, "")}
    if not kind and given == {"special_price"}:
        kind = Special.Kind.SPECIAL_PRICE
    terms: dict = {"kind": kind, "special_price": None, "percent": None, "buy": None, "pay": None}
    if kind not in KIND_TERMS:
        errors.append(
            FieldError(
                "kind",
                _("Unknown kind; the kinds are: %(kinds)s (or none, for a note).")
                % {"kinds": ", ".join(Special.Kind.values)},
            )
        )
        return terms
    needed = KIND_TERMS[kind]
    for name in sorted(given - set(needed)):
        errors.append(FieldError(name, _("Not a term of this kind of special.")))
    for name in needed:
        if name not in given:
            errors.append(FieldError(name, _("This kind of special needs it.")))
    if "special_price" in needed and "special_price" in given:
        try:
            terms["special_price"] = parse_money(data["special_price"], limit=PRICE_LIMIT)
        except ValueError as exc:
            errors.append(FieldError("special_price", str(exc)))
    if "percent" in needed and "percent" in given:
        try:
            percent = parse_money(data["percent"], limit=Decimal(100))
        except ValueError:
            percent = None
        if percent is None or not 0 < percent < 100:
            errors.append(FieldError("percent", _("A percentage above 0 and below 100, e.g. 7 or 12.5.")))
        else:
            terms["percent"] = percent
    counts = {name: _count(data.get(name)) for name in needed if name in ("buy", "pay") and name in given}
    for name, count in counts.items():
        if count is None:
            errors.append(FieldError(name, _("A whole number from 1 to %(limit)d.") % {"limit": COUNT_LIMIT}))
    if (
        kind == Special.Kind.N_FOR_M
        and counts.get("buy")
        and counts.get("pay")
        and counts["buy"] <= counts["pay"]
    ):
        errors.append(FieldError("pay", _("N for the price of M pays for fewer units than it gives: M < N.")))
    terms["buy"], terms["pay"] = counts.get("buy"), counts.get("pay")
    return terms


def _count(value: Any) -> int | None:
    """A whole number from 1 to COUNT_LIMIT (a JSON number or its text), else None."""
    if isinstance(value, bool):
        return None
    text = str(value).strip() if isinstance(value, str | int) else ""
    return int(text) if text.isdigit() and 1 <= int(text) <= COUNT_LIMIT else None


def validate_discount_rule(data: dict) -> dict:
    """A discount rule's input (`RULE_INPUT`: a name, the column code, client type codes, the
    minimum subtotal at base prices, the priority, the period with an open end) checked and
    turned into the model's values. Raises InvalidInput naming every bad field."""
    errors: list[FieldError] = []
    column = data.get("column")
    price_column = PriceColumn.objects.filter(code=column).first() if isinstance(column, str) else None
    if price_column is None:
        errors.append(FieldError("column", _("There is no price column %(code)s.") % {"code": column}))
    types = _client_types(data.get("client_types", []), errors)
    subtotal = None
    try:
        subtotal = parse_money(data.get("min_subtotal", "0.00"), limit=SUBTOTAL_LIMIT)
    except ValueError as exc:
        errors.append(FieldError("min_subtotal", str(exc)))
    priority = data.get("priority", 10)
    if isinstance(priority, bool) or not isinstance(priority, int) or abs(priority) > 2**31 - 1:
        errors.append(FieldError("priority", _("Expected a whole number.")))
    start, end = _period(data.get("valid_from"), data.get("valid_to"), errors, open_end=True)
    name = data.get("name", "")
    name = name.strip() if isinstance(name, str) else ""
    if len(name) > RULE_NAME_MAX_LENGTH:
        errors.append(
            FieldError("name", _("At most %(count)d characters.") % {"count": RULE_NAME_MAX_LENGTH})
        )
    if errors:
        raise InvalidInput(_("The discount rule is not valid."), errors=errors)
    return {
        "name": name,
        "column": price_column,
        "client_types": types,
        "min_subtotal": subtotal,
        "priority": priority,
        "valid_from": start,
        "valid_to": end,
    }


def _special_values(special: Special) -> dict:
    return {
        "product": special.product,
        "valid_from": special.valid_from,
        "valid_to": special.valid_to,
        "client_types": list(special.client_types.order_by("code")),
        "note": special.note,
        "kind": special.kind,
        "special_price": special.special_price,
        "percent": special.percent,
        "buy": special.buy,
        "pay": special.pay,
    }


def _rule_values(rule: DiscountRule) -> dict:
    return {
        "name": rule.name,
        "column": rule.column,
        "client_types": list(rule.client_types.order_by("code")),
        "min_subtotal": rule.min_subtotal,
        "priority": rule.priority,
        "valid_from": rule.valid_from,
        "valid_to": rule.valid_to,
    }


def _as_input(values: dict) -> dict:
    """Model values back as service input (SKU, column and type codes), to merge changes into."""
    shown = {}
    for field, value in values.items():
        if field == "product":
            shown["sku"] = value.sku
        elif field == "column":
            shown["column"] = value.code
        elif field == "client_types":
            shown["client_types"] = [client_type.code for client_type in value]
        else:
            shown[field] = value
    return shown


def _shown(value: Any) -> str:
    """A value as the history shows it: codes for products, columns and types, ISO dates,
    money with two places, nothing for None."""
    if value is None:
        return ""
    if isinstance(value, Product):
        return value.sku
    if isinstance(value, PriceColumn):
        return value.code
    if isinstance(value, list):
        return ", ".join(sorted(client_type.code for client_type in value))
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _record_rule_change(
    kind: str,
    target: DiscountRule | Special,
    action: str,
    before: dict,
    after: dict,
    *,
    actor: User | None,
    source: str,
) -> list[RuleChange]:
    """One RuleChange a field whose text differs between `before` and `after` (model values; an
    empty dict is "nothing": a creation or a deletion). One query, none when nothing changed."""
    rows = []
    label = str(target)[: RuleChange._meta.get_field("label").max_length]
    for field in after or before:
        old, new = _shown(before.get(field)), _shown(after.get(field))
        if old != new:
            rows.append(
                RuleChange(
                    kind=kind,
                    object_id=target.pk,
                    label=label,
                    action=action,
                    field=field,
                    old_value=old,
                    new_value=new,
                    changed_by=actor,
                    source=source,
                )
            )
    return RuleChange.objects.bulk_create(rows) if rows else []


def _check_commercial(actor: User | None) -> None:
    if actor is not None:  # None: the command line
        require_role(actor, *PRICE_LIST_ROLES)


def _locked(model: type[DiscountRule] | type[Special], pk: int) -> DiscountRule | Special:
    target = model.objects.select_for_update(of=("self",)).filter(pk=pk).first()
    if target is None:
        raise NotFound(_("There is no such %(what)s.") % {"what": model._meta.verbose_name})
    return target


def _unknown_fields(changes: dict, allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(changes) - set(allowed))
    if unknown:
        raise InvalidInput(
            _("Unknown fields: %(names)s.") % {"names": ", ".join(unknown)},
            errors=[FieldError(name, _("Unknown field.")) for name in unknown],
        )


def _save_changed(target, before: dict, after: dict) -> None:
    fields = [f for f in after if f != "client_types" and _shown(before[f]) != _shown(after[f])]
    for field in fields:
        setattr(target, field, after[field])
    if fields:
        target.save(update_fields=fields)
    if _shown(before["client_types"]) != _shown(after["client_types"]):
        target.client_types.set(after["client_types"])


@transaction.atomic
def create_special(
    *,
    actor: User | None,
    sku: str,
    valid_from: date | str,
    valid_to: date | str,
    client_types: list[str],
    note: str,
    special_price: Decimal | str | int | None = None,
    kind: str = "",
    percent: Decimal | str | int | None = None,
    buy: int | str | None = None,
    pay: int | str | None = None,
    source: str = Source.API,
) -> Special:
    """Name a special item (III.7, III.23): offered on every order of `client_types` (empty: all
    types) during its period; `kind` and its terms say how it changes the price of the line it
    is accepted on (special_price; percent_off: percent; n_for_m: buy N, pay M; free_per_n: buy
    N), none makes it a note. Commercial and admin. Records each
    field it sets (RuleChange). Raises Forbidden, InvalidInput (every bad field)."""
    _check_commercial(actor)
    values = validate_special(
        {
            "sku": sku,
            "valid_from": valid_from,
            "valid_to": valid_to,
            "client_types": client_types,
            "note": note,
            "kind": kind,
            "special_price": special_price,
            "percent": percent,
            "buy": buy,
            "pay": pay,
        }
    )
    return _create_recorded(Special, RuleChange.Kind.SPECIAL, values, actor=actor, source=source)


def _create_recorded(model, kind: str, values: dict, *, actor: User | None, source: str):
    """Create a special or a discount rule from checked `values` and record each field set."""
    fields = {field: value for field, value in values.items() if field != "client_types"}
    created = model.objects.create(**fields, created_by=actor)
    created.client_types.set(values["client_types"])
    _record_rule_change(kind, created, RuleChange.Action.CREATED, {}, values, actor=actor, source=source)
    return created


@transaction.atomic
def update_special(
    *,
    actor: User | None,
    special_id: int,
    changes: dict,
    source: str = Source.ADMIN,
    action: str = RuleChange.Action.CHANGED,
) -> Special:
    """Change a special: `changes` holds some of `SPECIAL_INPUT`, the rest keeps its value; the
    whole special is checked again. Records each field whose value changed (nothing when none
    did). Locks the special. Raises Forbidden, NotFound, InvalidInput."""
    _check_commercial(actor)
    _unknown_fields(changes, SPECIAL_INPUT)
    special = _locked(Special, special_id)
    before = _special_values(special)
    merged = {**_as_input(before), **changes}
    if "kind" in changes:  # another kind: the old kind's terms go, unless given again
        merged.update(
            {name: None for name in ("special_price", "percent", "buy", "pay") if name not in changes}
        )
    after = validate_special(merged)
    _save_changed(special, before, after)
    _record_rule_change(RuleChange.Kind.SPECIAL, special, action, before, after, actor=actor, source=source)
    return special


@transaction.atomic
def deactivate_special(
    *, actor: User | None, special_id: int, on: date, source: str = Source.ADMIN
) -> Special:
    """Stop offering a special from `on`: its period ends the day before (recorded as
    "deactivated"). One that has already ended stays as it is. Raises Forbidden, NotFound,
    InvalidInput (it has not started by then: delete it instead)."""
    _check_commercial(actor)
    special = _locked(Special, special_id)
    last_day = _ending_yesterday(special, on, _("The special has not started yet: delete it instead."))
    if last_day is None:
        return special
    return update_special(
        actor=actor,
        special_id=special_id,
        changes={"valid_to": last_day},
        source=source,
        action=RuleChange.Action.DEACTIVATED,
    )


def _ending_yesterday(period, on: date, not_started: str) -> date | None:
    """The last day of a special or rule deactivated from `on`, or None when it has already ended;
    InvalidInput (`not_started`) when it has not started by then."""
    if period.valid_to is not None and period.valid_to < on:
        return None
    last_day = date.fromordinal(on.toordinal() - 1)
    if period.valid_from > last_day:
        raise InvalidInput(not_started, errors=[FieldError("valid_to", _("It would end before it starts."))])
    return last_day


@transaction.atomic
def delete_special(*, actor: User | None, special_id: int, source: str = Source.ADMIN) -> None:
    """Delete a special, recording every value it had (the order lines sold at it keep their
    prices). Locks the special. Raises Forbidden, NotFound."""
    _check_commercial(actor)
    special = _locked(Special, special_id)
    before = _special_values(special)
    _record_rule_change(
        RuleChange.Kind.SPECIAL, special, RuleChange.Action.DELETED, before, {}, actor=actor, source=source
    )
    special.delete()


@transaction.atomic
def create_discount_rule(
    *,
    actor: User | None,
    column: str,
    client_types: list[str],
    min_subtotal: Decimal | str | int,
    priority: int,
    valid_from: date | str,
    valid_to: date | str | None,
    name: str = "",
    source: str = Source.API,
) -> DiscountRule:
    """Add a rule choosing a price column (III.10): for `client_types` (empty: all types), from
    `min_subtotal` at base prices, with `priority` (higher wins), during its period (`valid_to`
    None: open-ended). Commercial and admin. Records each field it sets (RuleChange). Raises
    Forbidden, InvalidInput (every bad field)."""
    _check_commercial(actor)
    values = validate_discount_rule(
        {
            "name": name,
            "column": column,
            "client_types": client_types,
            "min_subtotal": min_subtotal,
            "priority": priority,
            "valid_from": valid_from,
            "valid_to": valid_to,
        }
    )
    return _create_recorded(DiscountRule, RuleChange.Kind.DISCOUNT_RULE, values, actor=actor, source=source)


@transaction.atomic
def update_discount_rule(
    *,
    actor: User | None,
    rule_id: int,
    changes: dict,
    source: str = Source.ADMIN,
    action: str = RuleChange.Action.CHANGED,
) -> DiscountRule:
    """Change a discount rule: `changes` holds some of `RULE_INPUT`, the rest keeps its value;
    the whole rule is checked again. Records each field whose value changed. Locks the rule.
    Raises Forbidden, NotFound, InvalidInput."""
    _check_commercial(actor)
    _unknown_fields(changes, RULE_INPUT)
    rule = _locked(DiscountRule, rule_id)
    before = _rule_values(rule)
    after = validate_discount_rule({**_as_input(before), **changes})
    _save_changed(rule, before, after)
    _record_rule_change(
        RuleChange.Kind.DISCOUNT_RULE, rule, action, before, after, actor=actor, source=source
    )
    return rule


@transaction.atomic
def deactivate_discount_rule(
    *, actor: User | None, rule_id: int, on: date, source: str = Source.ADMIN
) -> DiscountRule:
    """Stop a rule from `on`: its period ends the day before (recorded as "deactivated"). One that
    has already ended stays as it is. Raises Forbidden, NotFound, InvalidInput (it has not
    started by then: delete it instead)."""
    _check_commercial(actor)
    rule = _locked(DiscountRule, rule_id)
    last_day = _ending_yesterday(rule, on, _("The discount rule has not started yet: delete it instead."))
    if last_day is None:
        return rule
    return update_discount_rule(
        actor=actor,
        rule_id=rule_id,
        changes={"valid_to": last_day},
        source=source,
        action=RuleChange.Action.DEACTIVATED,
    )


@transaction.atomic
def delete_discount_rule(*, actor: User | None, rule_id: int, source: str = Source.ADMIN) -> None:
    """Delete a discount rule, recording every value it had (confirmed orders keep their
    column). Locks the rule. Raises Forbidden, NotFound."""
    _check_commercial(actor)
    rule = _locked(DiscountRule, rule_id)
    before = _rule_values(rule)
    _record_rule_change(
        RuleChange.Kind.DISCOUNT_RULE, rule, RuleChange.Action.DELETED, before, {}, actor=actor, source=source
    )
    rule.delete()
