"""Pure rules of the first seconds of a call: the debt check (III.5) and who serves the call
(III.3, III.4, III.6, III.15, III.18, III.19). No ORM, no request: values in, values out."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from calldesk.money import format_money
from staff.rules import standing_in

ZERO = Decimal("0.00")


# --- III.5: the debt check ---------------------------------------------------------------------


class DebtReason:
    OVERDUE = "overdue"
    OVER_LIMIT = "over_limit"


@dataclass(frozen=True)
class Debt:
    """A client's debt on a day, as `GET /clients/{id}/debt` defines it."""

    overdue: Decimal
    outstanding: Decimal
    open_orders: Decimal
    credit_limit: Decimal | None
    headroom: Decimal | None
    reasons: tuple[str, ...]

    @property
    def blocks_order(self) -> bool:
        return bool(self.reasons)


def debt_reasons(*, overdue: Decimal, outstanding: Decimal, credit_limit: Decimal | None) -> tuple[str, ...]:
    """III.5: an order is accepted only with nothing overdue and the outstanding debt within the
    limit. Outstanding exactly at the limit does not block; without a limit only overdue does."""
    reasons = []
    if overdue > ZERO:
        reasons.append(DebtReason.OVERDUE)
    if credit_limit is not None and outstanding > credit_limit:
        reasons.append(DebtReason.OVER_LIMIT)
    return tuple(reasons)


def assess_debt(
    *, overdue: Decimal, outstanding: Decimal, open_orders: Decimal, credit_limit: Decimal | None
) -> Debt:
    headroom = None if credit_limit is None else credit_limit - outstanding - open_orders
    return Debt(
        overdue=overdue,
        outstanding=outstanding,
        open_orders=open_orders,
        credit_limit=credit_limit,
        headroom=headroom,
        reasons=debt_reasons(overdue=overdue, outstanding=outstanding, credit_limit=credit_limit),
    )


def debt_sentence(debt: Debt, *, currency: str) -> str:
    """What the operator tells the client about the debt (III.5), amounts as the operator's
    language writes money (calldesk.money)."""
    parts = []
    if DebtReason.OVERDUE in debt.reasons:
        parts.append(_("%(amount)s is overdue") % {"amount": format_money(debt.overdue, currency=currency)})
    if DebtReason.OVER_LIMIT in debt.reasons:
        parts.append(
            _("the debt of %(outstanding)s is over the credit limit of %(limit)s")
            % {
                "outstanding": format_money(debt.outstanding, currency=currency),
                "limit": format_money(debt.credit_limit, currency=currency),
            }
        )
    if not parts:
        return ""
    return _("The order cannot be taken: %(what)s.") % {"what": _("; ").join(parts)}


# --- Who serves the call ------------------------------------------------------------------------


class Purpose:
    ORDER = "order"
    REFERENCE = "reference"
    OTHER = "other"
    ALL = (ORDER, REFERENCE, OTHER)


class Handler:
    OPERATOR = "operator"
    MANAGER = "manager"
    KEY_ACCOUNT_MANAGER = "key_account_manager"
    DEPARTMENT_HEAD = "department_head"
    WHOLESALE_HEAD = "wholesale_head"
    FINANCE = "finance"


@dataclass(frozen=True)
class Person:
    username: str
    full_name: str
    presence: str = "available"
    is_active: bool = True

    @property
    def is_reachable(self) -> bool:
        return self.is_active and self.presence == "available"


@dataclass(frozen=True)
class CallFacts:
    """Everything the routing decision needs, as plain values gathered by the service."""

    purpose: str
    client_known: bool
    is_key_client: bool = False  # the type's operator may not take its orders (III.3, III.4)
    manager: Person | None = None
    department_name: str = ""
    department_head: Person | None = None
    department_deputy: Person | None = None
    key_account_managers: tuple[Person, ...] = field(default_factory=tuple)  # all, reachable or not
    wholesale_head: Person | None = None
    wholesale_deputy: Person | None = None
    finance: tuple[Person, ...] = field(default_factory=tuple)
    debt_blocks_order: bool = False
    debt_sentence: str = ""


@dataclass(frozen=True)
class Route:
    handler: str
    user: str | None
    clause: str
    reason: str


PRESENCE_WORDS = {
    "available": gettext_lazy("available"),
    "busy": gettext_lazy("busy"),
    "absent": gettext_lazy("absent"),
}


def _absent(person: Person) -> str:
    if not person.is_active:
        return _("%(name)s no longer works here") % {"name": person.full_name}
    presence = PRESENCE_WORDS.get(person.presence, person.presence)
    return _("%(name)s is %(presence)s") % {"name": person.full_name, "presence": presence}


def _reachable(person: Person) -> bool:
    return person.is_reachable


def _to_head(head: Person | None, deputy: Person | None, department: str, clause: str, why: str) -> Route:
    """To the department's head, or its deputy when the head is not reachable and the deputy is
    (staff.rules.standing_in); nobody only when the department has neither."""
    person = standing_in(head, deputy, is_there=_reachable)
    if person is None:
        reason = _("%(why)s: pass to the head of %(department)s (no head is set).") % {
            "why": why,
            "department": department,
        }
        return Route(Handler.DEPARTMENT_HEAD, None, clause, reason)
    if person is head:
        reason = _("%(why)s: pass to %(head)s (head of %(department)s).") % {
            "why": why,
            "head": person.full_name,
            "department": department,
        }
    else:
        reason = _("%(why)s: pass to %(deputy)s (deputy head of %(department)s).") % {
            "why": why,
            "deputy": person.full_name,
            "department": department,
        }
        if head is not None:
            reason += " " + _("%(absent)s.") % {"absent": _absent(head)}
    if not person.is_reachable:
        reason += " " + _("%(absent)s: leave a callback request.") % {"absent": _absent(person)}
    return Route(Handler.DEPARTMENT_HEAD, person.username, clause, reason)


def needs_staff_roster(facts: CallFacts) -> bool:
    """Whether route_call may read the key-account managers, finance or the head of wholesale
    for these facts: only for an order call of a known client whose own manager is not
    reachable and who is a key client (rule 5) or whose debt blocks the order (rule 6). The
    lookup reads that roster only then (tests/clients/test_routing_roster.py proves the route
    is the same either way)."""
    return (
        facts.purpose == Purpose.ORDER
        and facts.client_known
        and facts.manager is not None
        and not facts.manager.is_reachable
        and (facts.is_key_client or facts.debt_blocks_order)
    )


def route_call(facts: CallFacts) -> Route:
    """The seven rules of `GET /lookup` (API.md); the first that fits decides."""
    # 1. A request for reference information: the operator gives it (III.18).
    if facts.purpose == Purpose.REFERENCE:
        return Route(
            Handler.OPERATOR,
            None,
            "III.18",
            _("Reference request: give the prices, assortment and terms, and offer to send them."),
        )
    # 2. Unknown phone: register the client; the department head assigns a manager (III.15).
    if not facts.client_known:
        return Route(
            Handler.DEPARTMENT_HEAD,
            None,
            "III.15",
            _("New client: register the client, then pass the call to the head of its department."),
        )
    # 3. A client with no manager yet goes to the head of its department (III.15).
    if facts.manager is None:
        return _to_head(
            facts.department_head,
            facts.department_deputy,
            facts.department_name,
            "III.15",
            _("No manager assigned yet"),
        )
    # 4. Any other purpose: the client's manager, else the department head (III.19).
    if facts.purpose == Purpose.OTHER:
        if facts.manager.is_reachable:
            return Route(
                Handler.MANAGER,
                facts.manager.username,
                "III.19",
                _("Not an order: pass to %(manager)s (manager).") % {"manager": facts.manager.full_name},
            )
        return _to_head(
            facts.department_head,
            facts.department_deputy,
            facts.department_name,
            "III.19",
            _("Not an order; %(absent)s") % {"absent": _absent(facts.manager)},
        )
    # 5. A key client: its manager, another key-account manager, the head of wholesale (III.4).
    #    Debt does not change this: the key-account chain handles it.
    if facts.is_key_client:
        if facts.manager.is_reachable:
            return Route(
                Handler.MANAGER,
                facts.manager.username,
                "III.4",
                _("Key client: pass to %(manager)s (key-account manager).")
                % {"manager": facts.manager.full_name},
            )
        others = [
            p for p in facts.key_account_managers if p.is_reachable and p.username != facts.manager.username
        ]
        if others:
            other = others[0]
            return Route(
                Handler.KEY_ACCOUNT_MANAGER,
                other.username,
                "III.4",
                _("Key client: pass to %(other)s (key-account manager); %(absent)s.")
                % {"other": other.full_name, "absent": _absent(facts.manager)},
            )
        # the head of wholesale, or the deputy when only the deputy is reachable (staff.rules)
        head = standing_in(facts.wholesale_head, facts.wholesale_deputy, is_there=_reachable)
        why = _("Key client: %(absent)s and no other key-account manager is available") % {
            "absent": _absent(facts.manager)
        }
        if head is None:
            return Route(
                Handler.WHOLESALE_HEAD, None, "III.4", why + ": " + _("pass to the head of wholesale sales.")
            )
        if head is facts.wholesale_head:
            reason = why + ": " + _("pass to %(head)s (head of wholesale sales).") % {"head": head.full_name}
        else:
            reason = (
                why
                + ": "
                + _("pass to %(deputy)s (deputy head of wholesale sales).") % {"deputy": head.full_name}
            )
        return Route(Handler.WHOLESALE_HEAD, head.username, "III.4", reason)
    # 6. Debt blocks the order: tell the client, pass to the manager, else finance (III.5, III.6).
    if facts.debt_blocks_order:
        if facts.manager.is_reachable:
            return Route(
                Handler.MANAGER,
                facts.manager.username,
                "III.6",
                facts.debt_sentence
                + " "
                + _("Pass to %(manager)s (manager).") % {"manager": facts.manager.full_name},
            )
        finance = next((p for p in facts.finance if p.is_reachable), None)
        if finance is None:
            return Route(
                Handler.FINANCE,
                None,
                "III.6",
                facts.debt_sentence
                + " "
                + _("%(absent)s and no one in finance is available: take a callback request.")
                % {"absent": _absent(facts.manager)},
            )
        return Route(
            Handler.FINANCE,
            finance.username,
            "III.6",
            facts.debt_sentence
            + " "
            + _("Pass to %(finance)s (finance); %(absent)s.")
            % {"finance": finance.full_name, "absent": _absent(facts.manager)},
        )
    # 7. Otherwise the operator takes the order (III.3).
    return Route(Handler.OPERATOR, None, "III.3", _("Take the order."))
