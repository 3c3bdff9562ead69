"""Who may do what (III.26): every role and object rule of the desk, in one module.

The rules are pure functions over the actor (`Actor`) and plain facts of the object (an order's
taker and client, a call's operator, a client's manager and department): no ORM, no request.
Selectors and services fetch the facts and ask these rules, whatever the door (screen, API,
admin, task); the access matrix (`calldesk.access`) reads its role sets from here.

Reads and writes follow the same reach. What a reader may not see is answered as missing (404,
no existence leak); what they may see but not change is refused (403). Lists are scoped by a
`Reach`, the same rule as plain data that the selectors turn into one WHERE clause, so that a
scoped list costs no query more than an unscoped one.

Clients (III.1-III.6, III.26): every desk role finds any caller by phone, tax id or name and
reads the card and its debt, because any call can reach any operator and the debt is checked
before every order (III.5); the card's history (who changed type, manager, limit) is for the
client's people; writes follow the client's manager and department (`may_change_client`).
On a call, whoever may see the call (`may_see_call`) reads the client's last five placed orders
and calls on its card, whoever took them: the operator offers what this client usually buys and
weighs its history (III.7-III.9). Drafts are not placed orders and stay their taker's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from staff.models import Role

OPERATOR, MANAGER, HEAD = Role.OPERATOR.value, Role.MANAGER.value, Role.HEAD.value
FINANCE, COMMERCIAL, ADMIN = Role.FINANCE.value, Role.COMMERCIAL.value, Role.ADMIN.value

# --- Role sets: the access matrix's rows and the services' role checks read these ---------------
ALL_STAFF = frozenset({OPERATOR, MANAGER, HEAD, FINANCE, COMMERCIAL})
DESK = frozenset({OPERATOR, MANAGER, HEAD, FINANCE})  # who answers calls and takes orders (III.3-III.6)
CLIENT_READERS = DESK  # client data (III.26): not commercial management, who keeps prices
CALL_TAKERS = frozenset({OPERATOR, MANAGER, HEAD})  # the desk screen, callbacks (III.1, III.22)
TAKING_ROLES = DESK  # who opens and works on drafts
EXCEPTION_ROLES = frozenset({MANAGER, FINANCE, HEAD})  # past debt and credit checks (III.6, III.11)
STATUS_ROLES = frozenset({MANAGER, HEAD})  # move orders along on the screen (III.14)
PRICE_LIST_ROLES = frozenset({COMMERCIAL})  # prices, specials, discount rules (III.10, III.23)
RECEIVABLES_ROLES = frozenset({FINANCE})  # credit limits, terms, receivables (III.5, III.9)
CLIENT_HISTORY_ROLES = frozenset({MANAGER, HEAD, FINANCE})  # who changed a client's terms
EXPORT_ROLES = frozenset({HEAD})  # exports of client data (III.26)
OUTBOUND_ROLES = frozenset({OPERATOR, HEAD})  # call lists and tasks (III.16, III.17)
CAMPAIGN_ROLES = frozenset({HEAD})  # heads instruct calls (III.17)
DEBTOR_ROLES = frozenset({FINANCE, HEAD})  # the debtors' list (III.6)
RESULT_READERS = frozenset({OPERATOR, MANAGER, HEAD, FINANCE})  # GET /reports/operators
DASHBOARD_ROLES = frozenset({HEAD})  # a department's figures (section VI)
# Told at once in the inbox, with its unread count on every page (III.6, III.11, III.14, III.19, III.20).
INBOX_ROLES = frozenset({MANAGER, HEAD, FINANCE, COMMERCIAL})
# questions from operators (III.11): the department's head, and commercial management, who answer
# when no head nor deputy is at work (I.5: the commercial director instructs the operators)
CONSULTATION_ROLES = frozenset({HEAD, COMMERCIAL})

# Permissions that let a system's token in whatever its role.
EXCHANGE = "staff.set_any_presence"  # the telephone exchange
WAREHOUSE = "orders.change_order_status"  # the warehouse: reads and moves every order

# Django admin lets in staff users; `staff.services.set_role` makes these roles staff.
ADMIN_SITE_ROLES = frozenset({ADMIN, FINANCE, COMMERCIAL})


def admin_site_access(role: str) -> tuple[bool, bool]:
    """(is_staff, is_superuser) for a role: the admin-site roles enter Django admin, where their
    role group's permissions say what they touch; only admins are superusers."""
    return role in ADMIN_SITE_ROLES, role == ADMIN


class Person(Protocol):
    """What the rules read of whoever acts: an `Actor`, or a `User` itself where a rule needs no
    more than role, id, department and the key-account flag (no query either way)."""

    @property
    def role(self) -> str | None: ...
    @property
    def pk(self) -> int | None: ...
    @property
    def department_id(self) -> int | None: ...
    @property
    def key_account(self) -> bool: ...


@dataclass(frozen=True)
class Actor:
    """Who acts, as the rules read them. The permissions of a system's token (the warehouse, the
    exchange) are `systems` when given; else they are asked of `user` only when a rule reaches
    them, and the rules ask them last: a person whose role already answers pays no query."""

    role: str | None
    pk: int | None
    department_id: int | None = None
    key_account: bool = False
    systems: frozenset[str] | None = None
    user: Any = field(default=None, repr=False, compare=False)

    def has_system_permission(self, permission: str) -> bool:
        if self.systems is not None:
            return permission in self.systems
        return self.user is not None and self.user.has_perm(permission)

    @property
    def warehouse(self) -> bool:
        """The warehouse's token: reads and moves every order."""
        return self.has_system_permission(WAREHOUSE)

    @property
    def exchange(self) -> bool:
        """The telephone exchange's token: registers and closes calls, sets presence."""
        return self.has_system_permission(EXCHANGE)


def actor_of(user) -> Actor:
    """The rules' view of a user (an Actor is returned as it is)."""
    if isinstance(user, Actor):
        return user
    if user is None or not getattr(user, "is_authenticated", False):
        return Actor(role=None, pk=None)
    return Actor(
        role=user.role,
        pk=user.pk,
        department_id=user.department_id,
        key_account=bool(user.key_account),
        user=user,
    )


def is_admin(actor: Person) -> bool:
    """An administrator: every department, every record, the jobs nobody else starts."""
    return actor.role == ADMIN


def department_scope(actor: Person) -> int | None:
    """The department a person's department-wide screens (debtors, the manager queue) are kept
    to: a head's own; None for the roles that read every department (finance, admins)."""
    return actor.department_id if actor.role == HEAD else None


def has_role(actor: Person, roles: frozenset[str] | set[str]) -> bool:
    """One of `roles`; admins always."""
    return actor.role == ADMIN or actor.role in roles


def may_import_receivables(actor: Person) -> bool:
    """Finance (and admins) load receivables, by API, command or admin (III.5)."""
    return has_role(actor, RECEIVABLES_ROLES)


def may_edit_price_list(actor: Person) -> bool:
    """Commercial management (and admins) keep prices, specials and discount rules (III.10, III.23)."""
    return has_role(actor, PRICE_LIST_ROLES)


def may_read_client_history(actor: Person) -> bool:
    """Who changed a client's type, manager and limits: its people, not the operators (III.26)."""
    return has_role(actor, CLIENT_HISTORY_ROLES)


def may_read_department(actor: Person, *, department_id: int) -> bool:
    """Whose figures a person may read (III.26): an admin any department's, a head only their
    own. The dashboard and its exports both ask this one rule."""
    if actor.role == ADMIN:
        return True
    return actor.role == HEAD and actor.department_id is not None and actor.department_id == department_id


# --- Clients ---------------------------------------------------------------------------------------


def is_their_client(
    actor: Person, *, client_manager_id: int | None, client_department_id: int | None
) -> bool:
    """The client's own manager, or the head of the client's department (III.26): who may
    authorise an exception or move an order along, and who opens and changes its orders."""
    if actor.role == MANAGER:
        return client_manager_id is not None and client_manager_id == actor.pk
    if actor.role == HEAD:
        return actor.department_id is not None and client_department_id == actor.department_id
    return False


def is_head_of(actor: Person, *, client_department_id: int | None) -> bool:
    """A head acting on a client of their own department (admins on all)."""
    if actor.role == ADMIN:
        return True
    return (
        actor.role == HEAD and actor.department_id is not None and actor.department_id == client_department_id
    )


# III.2, III.15; and a client's own price column, which, like its type, decides its prices (III.10)
CLIENT_FIELDS_OF_HEADS = frozenset({"type", "manager", "price_column", "price_column_reason"})
CLIENT_FIELDS_OF_FINANCE = frozenset({"credit_limit", "payment_terms_days"})  # III.5, III.9
CLIENT_FIELDS_OF_THEIR_PEOPLE = frozenset(
    {"name", "region", "address", "phones", "language", "email", "order_form_by_email"}
)
CLIENT_FIELDS = CLIENT_FIELDS_OF_HEADS | CLIENT_FIELDS_OF_FINANCE | CLIENT_FIELDS_OF_THEIR_PEOPLE


def may_change_client(
    actor: Person, field: str, *, client_manager_id: int | None, client_department_id: int | None
) -> bool:
    """Who changes which field of a client: type, manager and a fixed price column, the head of
    its department;
    credit limit and payment terms, finance; name, region, address, phones, e-mail, the language
    of what it receives and whether it gets order forms, its manager or the head of its
    department. Admins all."""
    if actor.role == ADMIN:
        return True
    if field in CLIENT_FIELDS_OF_FINANCE:
        return actor.role == FINANCE
    if field in CLIENT_FIELDS_OF_HEADS:
        return is_head_of(actor, client_department_id=client_department_id)
    if field in CLIENT_FIELDS_OF_THEIR_PEOPLE:
        return is_their_client(
            actor, client_manager_id=client_manager_id, client_department_id=client_department_id
        )
    return False


def may_register_client(actor: Person) -> bool:
    """A new caller is registered by whoever takes the call (III.15)."""
    return has_role(actor, DESK)


def may_assign_manager(actor: Person, *, client_department_id: int | None) -> bool:
    """A manager is given to a client by the head of the client's department (III.15); admins all."""
    return is_head_of(actor, client_department_id=client_department_id)


def may_set_credit_terms(actor: Person) -> bool:
    """Credit limits and payment terms are finance's (III.5, III.9); admins all."""
    return has_role(actor, RECEIVABLES_ROLES)


def may_serve_key_clients(person: Person) -> bool:
    """Who may be a key client's manager: a key-account manager or a head (III.4)."""
    return bool(person.key_account) or person.role == HEAD


# Fields of a client each admin-site role edits in Django admin (None: every field the form has);
# every other field is read-only for them, and roles not named edit nothing (III.26).
ADMIN_SITE_CLIENT_FIELDS: dict[str, frozenset[str] | None] = {
    ADMIN: None,
    FINANCE: CLIENT_FIELDS_OF_FINANCE,
}


def client_fields_editable_in_admin(actor: Person) -> frozenset[str] | None:
    """The client fields `actor` edits in admin: None for all, else the set (maybe empty)."""
    return ADMIN_SITE_CLIENT_FIELDS.get(actor.role or "", frozenset())


def may_add_or_delete_in_admin(actor: Person) -> bool:
    """Records are added and removed in admin by admins only; the others edit what their role owns."""
    return actor.role == ADMIN


def may_set_presence(
    actor: Person, *, person_id: int, person_department_id: int | None, exchange: bool
) -> bool:
    """The person, the head of their department, an admin, or the telephone exchange."""
    return (
        person_id == actor.pk
        or actor.role == ADMIN
        or (
            actor.role == HEAD
            and actor.department_id is not None
            and actor.department_id == person_department_id
        )
        or exchange
    )


# --- Departments' heads and deputies (III.4, III.11, III.15, III.19) ------------------------------

# Who may lead a department, as its head or its deputy: a head (the deputy acts as head: answers
# the department's questions, reads its orders and clients, assigns its managers), and in the
# finance service one of finance, who read every department's orders and debts already.
DEPARTMENT_LEADERS = frozenset({HEAD, FINANCE})


def may_set_department_heads(actor: Person) -> bool:
    """A department's head and deputy are named by an admin (API, admin)."""
    return actor.role == ADMIN


def may_lead_department(person: Person, *, department_id: int) -> bool:
    """May this person be the head or the deputy of this department? A member of it (their own
    department) in a role that leads (`DEPARTMENT_LEADERS`): an operator, a manager, commercial
    management or an admin may not, nor a head of another department."""
    return (
        person.role in DEPARTMENT_LEADERS
        and person.department_id is not None
        and person.department_id == department_id
    )


def heads_a_headless_department(person: Person) -> bool:
    """A new member of staff in the role head becomes the head of their department when it has
    none (every door that creates staff: API, admin, commands)."""
    return person.role == HEAD and person.department_id is not None


# --- Orders ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OrderFacts:
    """What the order rules read of an order and its client."""

    taken_by_id: int | None
    client_manager_id: int | None
    client_department_id: int | None
    key_client: bool  # operators do not take this type's orders (III.3, III.4)
    is_draft: bool = True


@dataclass(frozen=True)
class OrderReach:
    """Which orders a person reaches, as plain data: the selectors turn it into one WHERE clause
    (`orders.selectors.visible_orders`), `covers` answers it for one order. Nothing set: none."""

    everything: bool = False
    taken_by_id: int | None = None
    client_manager_id: int | None = None
    key_clients: bool = False
    client_department_id: int | None = None

    def covers(self, facts: OrderFacts) -> bool:
        return (
            self.everything
            or (self.taken_by_id is not None and facts.taken_by_id == self.taken_by_id)
            or (self.client_manager_id is not None and facts.client_manager_id == self.client_manager_id)
            or (self.key_clients and facts.key_client)
            or (
                self.client_department_id is not None
                and facts.client_department_id == self.client_department_id
            )
        )


def order_reach(actor: Person, *, systems: bool = False) -> OrderReach:
    """Whose orders a person reads (III.26): an operator the orders they took (their drafts
    among them); a manager their clients' orders and those they took, a key-account manager also
    any key client's (III.4: the call goes to another key-account manager when the client's own is
    away); a head their department's and those they took; finance (debtors, III.6) and admins
    all. Commercial management: none. The warehouse's token reaches all: a list asks its
    permission where a system reads (`systems`), `may_see_order` last."""
    if actor.role in {ADMIN, FINANCE} or (systems and _is_warehouse(actor)):
        return OrderReach(everything=True)
    if actor.role == OPERATOR:
        return OrderReach(taken_by_id=actor.pk)
    if actor.role == MANAGER:
        return OrderReach(taken_by_id=actor.pk, client_manager_id=actor.pk, key_clients=actor.key_account)
    if actor.role == HEAD:
        return OrderReach(taken_by_id=actor.pk, client_department_id=actor.department_id)
    return OrderReach()


def _is_warehouse(actor: Person) -> bool:
    return bool(getattr(actor, "warehouse", False))


def may_see_order(actor: Person, facts: OrderFacts) -> bool:
    return order_reach(actor).covers(facts) or _is_warehouse(actor)


def may_work_on_order(actor: Person, facts: OrderFacts) -> bool:
    """May this person change this order (lines, offers, terms, confirm)? An operator: only the
    draft they are taking. A manager: their clients' orders, and a draft they are taking (a call
    passed to them, III.4, III.6). A head: their department's clients' orders, and a draft they are
    taking. Finance (debtors' orders, III.6) and admins: all. Commercial management: none."""
    if not has_role(actor, TAKING_ROLES):
        return False
    if actor.role in {ADMIN, FINANCE}:
        return True
    if facts.taken_by_id is not None and facts.taken_by_id == actor.pk:
        return True
    return is_their_client(
        actor, client_manager_id=facts.client_manager_id, client_department_id=facts.client_department_id
    )


def may_start_order_for(
    actor: Person, *, client_manager_id: int | None, client_department_id: int | None, key_client: bool
) -> bool:
    """May this person open a draft for this client? An operator, finance (debtors, III.6) and
    admins: any client (the operator's own limits, III.3 and III.5, are checked apart). A
    manager: their own clients, and a key-account manager any key client (III.4). A head: their
    department's clients (III.4, III.15, III.19). Commercial management: none."""
    if actor.role in {OPERATOR, FINANCE, ADMIN}:
        return True
    if actor.role == MANAGER and key_client and actor.key_account:
        return True
    return is_their_client(
        actor, client_manager_id=client_manager_id, client_department_id=client_department_id
    )


def may_authorise_exception(actor: Person, facts: OrderFacts) -> bool:
    """The client's manager, the head of its department, finance or an admin; never an operator
    (III.6, III.11)."""
    return actor.role in {FINANCE, ADMIN} or is_their_client(
        actor, client_manager_id=facts.client_manager_id, client_department_id=facts.client_department_id
    )


def may_change_order_status(actor: Person, facts: OrderFacts, *, cancelling: bool) -> bool:
    """The client's manager, the head of its department, an admin or the warehouse's token move
    an order along (III.14); whoever took a draft may cancel it."""
    return (
        actor.role == ADMIN
        or is_their_client(
            actor, client_manager_id=facts.client_manager_id, client_department_id=facts.client_department_id
        )
        or (cancelling and facts.is_draft and facts.taken_by_id is not None and facts.taken_by_id == actor.pk)
        or _is_warehouse(actor)
    )


# --- Calls -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CallFacts:
    """What the call rules read of a call and its client."""

    operator_id: int | None
    transferred_to_id: int | None
    client_manager_id: int | None
    client_department_id: int | None


@dataclass(frozen=True)
class CallReach:
    """Which calls a person reaches, as plain data (`calls.selectors.visible_calls` makes it a
    WHERE clause). Nothing set: none."""

    everything: bool = False
    person_id: int | None = None  # the call's operator or the one it was passed to
    unclaimed: bool = False  # a call the exchange registered for nobody yet
    client_manager_id: int | None = None
    client_department_id: int | None = None

    def covers(self, facts: CallFacts) -> bool:
        return (
            self.everything
            or (self.person_id is not None and self.person_id in {facts.operator_id, facts.transferred_to_id})
            or (self.unclaimed and facts.operator_id is None)
            or (self.client_manager_id is not None and facts.client_manager_id == self.client_manager_id)
            or (
                self.client_department_id is not None
                and facts.client_department_id == self.client_department_id
            )
        )


def call_reach(actor: Person) -> CallReach:
    """Whose calls a person reads (III.14, III.26): everyone on the desk the calls they took or
    that were passed to them, and a call nobody has taken yet; a manager also their clients'
    calls; a head their department's; finance (debtors are passed to them from any call, III.6),
    admins and the telephone exchange (which registers them) all."""
    if actor.role in {ADMIN, FINANCE}:
        return CallReach(everything=True)
    if actor.role not in DESK:
        return CallReach()
    if actor.role == MANAGER:
        return CallReach(person_id=actor.pk, unclaimed=True, client_manager_id=actor.pk)
    if actor.role == HEAD:
        return CallReach(person_id=actor.pk, unclaimed=True, client_department_id=actor.department_id)
    return CallReach(person_id=actor.pk, unclaimed=True)


def may_see_call(actor: Person, facts: CallFacts) -> bool:
    return call_reach(actor).covers(facts) or bool(getattr(actor, "exchange", False))


def may_register_calls(actor: Person) -> bool:
    """Who registers a call (III.1): the desk's people for their own calls, and the telephone
    exchange's token (EXCHANGE) for anyone's. The API's matrix row for POST /calls says the same."""
    return has_role(actor, DESK) or bool(getattr(actor_of(actor), "exchange", False))


def may_work_on_call(actor: Person, facts: CallFacts) -> bool:
    """The side panels of a call (comment, consultation, reference e-mail, client, wrap-up,
    transfer) are its operator's (III.26); a call the exchange registered for nobody is whoever
    opens it (or the exchange's to close); admins all."""
    if actor.role == ADMIN:
        return True
    if facts.operator_id not in {None, actor.pk}:
        return False
    return has_role(actor, DESK) or bool(getattr(actor, "exchange", False))


# --- Calls' side panels: feedback copies and consultations (III.11, III.13) ---------------------


def may_handle_feedback(actor: Person, *, department_id: int | None) -> bool:
    """A department's copy of a comment is its own staff's to mark seen or done; admins all."""
    if actor.role == ADMIN:
        return True
    return actor.department_id is not None and actor.department_id == department_id


def may_answer_consultation(actor: Person, *, department_id: int | None) -> bool:
    """A question to the head is answered by a head of its department, its head or deputy
    (III.11); commercial management, to whom it goes when neither is at work, and admins all."""
    return answers_every_consultation(actor) or is_head_of(actor, client_department_id=department_id)


def answers_every_consultation(actor: Person) -> bool:
    """Commercial management and admins read every department's open questions (III.11)."""
    return actor.role in {COMMERCIAL, ADMIN}


def is_operator(actor: Person) -> bool:
    """An operator, whose own calls and drafts are the ones they work on (III.3)."""
    return actor.role == OPERATOR


# --- The push channel to the browser (calldesk.live) ---------------------------------------------


def may_watch_live_board(actor: Person) -> bool:
    """The live board's events (section VI) are read by whoever may open the board: heads, admins."""
    return has_role(actor, DASHBOARD_ROLES)


def may_take_calls(actor: Person) -> bool:
    """The desk's shared events (a callback queued or taken, III.22) are read by who answers calls."""
    return has_role(actor, CALL_TAKERS)


# --- Reports and a manager's orders (III.14, III.25) -----------------------------------------------


def reads_own_report_row_only(actor: Person) -> bool:
    """Operators and managers read their own row of the daily operator report (III.25)."""
    return actor.role in {OPERATOR, MANAGER}


def reads_every_report_row(actor: Person) -> bool:
    """Heads, finance (accounting pays by results) and admins read every operator's row (III.25)."""
    return has_role(actor, {HEAD, FINANCE})


def hears_notices(actor: Person) -> bool:
    """Who is told in the inbox the moment a notice arrives, with its unread count in every page's
    header: managers (an order for their client, III.14; a call passed to them, III.4, III.19),
    heads (a consultation, III.11; a comment for their department, III.20; a call passed to them,
    III.15), finance (a debtor's call passed to them, III.6), commercial management (a question
    for a head when neither the head nor the deputy is at work, III.11) and admins."""
    return has_role(actor, INBOX_ROLES)


def may_see_export(actor: Person, *, requested_by_id: int | None) -> bool:
    """An export's file is for who asked for it, and admins (III.26)."""
    return actor.role == ADMIN or (requested_by_id is not None and requested_by_id == actor.pk)


def tracks_every_reachable_order(actor: Person) -> bool:
    """On "my orders" (III.14) a head tracks every order of their department (their reach) and an
    admin every order; a manager only their own clients'."""
    return actor.role in {HEAD, ADMIN}


# --- Guards for services ---------------------------------------------------------------------------


def require_role(user, *roles: str) -> None:
    """For services, whatever the door: raise Forbidden (403) unless the user has one of `roles`
    (admins always may)."""
    role = getattr(user, "role", None)  # a User or an Actor
    if not (role == ADMIN or role in {Role(r).value for r in roles}):
        from calldesk.errors import Forbidden

        raise Forbidden()


# --- Outbound call tasks and campaigns (III.16, III.17) --------------------------------------------


def sees_every_call_task(actor: Person) -> bool:
    """Heads, who instruct the calls and read their results (III.17), and admins see every task."""
    return actor.role in {ADMIN, HEAD}


def may_see_call_task(actor: Person, *, operator_id: int | None) -> bool:
    """A call task is its operator's (or anyone's on the desk while unassigned); heads and admins
    see every task (`sees_every_call_task`)."""
    if sees_every_call_task(actor):
        return True
    return has_role(actor, OUTBOUND_ROLES) and operator_id in {None, actor.pk}


def may_see_campaign(actor: Person, *, department_id: int | None) -> bool:
    """A campaign is its department's head's (III.17); admins see all."""
    if actor.role == ADMIN:
        return True
    return actor.role == HEAD and actor.department_id is not None and actor.department_id == department_id
