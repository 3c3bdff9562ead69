"""The role and object rules of staff.permissions (III.26), as pure functions: no database."""

import pytest

from staff.permissions import (
    WAREHOUSE,
    Actor,
    CallFacts,
    OrderFacts,
    call_reach,
    client_fields_editable_in_admin,
    department_scope,
    is_admin,
    is_operator,
    may_add_or_delete_in_admin,
    may_answer_consultation,
    may_assign_manager,
    may_change_client,
    may_change_order_status,
    may_handle_feedback,
    may_read_department,
    may_see_call,
    may_see_call_task,
    may_see_export,
    may_see_order,
    may_serve_key_clients,
    may_set_credit_terms,
    may_start_order_for,
    may_work_on_call,
    may_work_on_order,
    order_reach,
    reads_every_report_row,
    reads_own_report_row_only,
    require_role,
    sees_every_call_task,
    tracks_every_reachable_order,
)

ME, OTHER, DEPT, OTHER_DEPT = 1, 2, 10, 20


def order(taken_by, client_manager, client_department, key_client=False, is_draft=True) -> OrderFacts:
    return OrderFacts(
        taken_by_id=taken_by,
        client_manager_id=client_manager,
        client_department_id=client_department,
        key_client=key_client,
        is_draft=is_draft,
    )


@pytest.mark.parametrize(
    ("role", "taken_by", "client_manager", "client_department", "allowed"),
    [
        ("operator", ME, OTHER, DEPT, True),  # the draft they are taking
        ("operator", OTHER, ME, DEPT, False),  # another operator's draft
        ("manager", OTHER, ME, OTHER_DEPT, True),  # their client's order
        ("manager", ME, OTHER, OTHER_DEPT, True),  # a call passed to them (III.4)
        ("manager", OTHER, OTHER, DEPT, False),  # another manager's client
        ("head", OTHER, OTHER, DEPT, True),  # their department's client
        ("head", OTHER, OTHER, OTHER_DEPT, False),  # another department's
        ("head", ME, OTHER, OTHER_DEPT, True),  # a draft they are taking
        ("finance", OTHER, OTHER, OTHER_DEPT, True),  # debtors' orders, any department (III.6)
        ("admin", None, None, None, True),
        ("commercial", ME, ME, DEPT, False),  # prices, not orders
        (None, ME, ME, DEPT, False),  # no role at all
    ],
)
def test_who_may_work_on_an_order(role, taken_by, client_manager, client_department, allowed):
    actor = Actor(role=role, pk=ME, department_id=DEPT)
    assert may_work_on_order(actor, order(taken_by, client_manager, client_department)) is allowed


@pytest.mark.parametrize(
    ("role", "key_account", "taken_by", "client_manager", "client_department", "key_client", "sees"),
    [
        ("operator", False, ME, OTHER, OTHER_DEPT, False, True),  # their own draft
        ("operator", False, OTHER, ME, DEPT, False, False),  # a colleague's draft
        ("manager", False, OTHER, ME, OTHER_DEPT, False, True),  # their client's
        ("manager", False, OTHER, OTHER, DEPT, False, False),  # not their client
        ("manager", False, OTHER, OTHER, DEPT, True, False),  # a key client, not key-account
        ("manager", True, OTHER, OTHER, DEPT, True, True),  # any key client's (III.4)
        ("manager", True, OTHER, OTHER, DEPT, False, False),
        ("head", False, OTHER, OTHER, DEPT, False, True),  # their department's
        ("head", False, OTHER, OTHER, OTHER_DEPT, False, False),
        ("finance", False, OTHER, OTHER, OTHER_DEPT, False, True),
        ("admin", False, None, None, None, False, True),
        ("commercial", False, ME, ME, DEPT, True, False),
    ],
)
def test_whose_orders_a_person_sees(
    role, key_account, taken_by, client_manager, client_department, key_client, sees
):
    actor = Actor(role=role, pk=ME, department_id=DEPT, key_account=key_account)
    facts = order(taken_by, client_manager, client_department, key_client)
    assert may_see_order(actor, facts) is sees
    assert order_reach(actor).covers(facts) is sees


def test_whoever_may_work_on_an_order_also_sees_it():
    """A write never reaches further than a read: work implies sight, for every combination."""
    for role in ("operator", "manager", "head", "finance", "commercial", "admin", None):
        for key_account in (False, True):
            actor = Actor(role=role, pk=ME, department_id=DEPT, key_account=key_account)
            for taken_by in (ME, OTHER, None):
                for manager in (ME, OTHER, None):
                    for department in (DEPT, OTHER_DEPT):
                        for key_client in (False, True):
                            facts = order(taken_by, manager, department, key_client)
                            if may_work_on_order(actor, facts):
                                assert may_see_order(actor, facts), (role, facts)


def test_the_warehouse_token_sees_and_moves_every_order_but_works_on_none():
    warehouse = Actor(role="operator", pk=ME, systems=frozenset({WAREHOUSE}))
    facts = order(OTHER, OTHER, OTHER_DEPT, is_draft=False)
    assert may_see_order(warehouse, facts)
    assert may_change_order_status(warehouse, facts, cancelling=False)
    assert not may_work_on_order(warehouse, facts)


def test_whoever_took_a_draft_may_cancel_it_and_nothing_more():
    operator = Actor(role="operator", pk=ME, department_id=DEPT)
    assert may_change_order_status(operator, order(ME, OTHER, DEPT), cancelling=True)
    assert not may_change_order_status(operator, order(ME, OTHER, DEPT, is_draft=False), cancelling=True)
    assert not may_change_order_status(operator, order(ME, OTHER, DEPT), cancelling=False)


@pytest.mark.parametrize(
    ("role", "key_account", "client_manager", "client_department", "key_client", "allowed"),
    [
        ("operator", False, OTHER, OTHER_DEPT, False, True),  # the operator's own limits apart (III.3)
        ("finance", False, OTHER, OTHER_DEPT, False, True),  # debtors, any department (III.6)
        ("admin", False, None, None, False, True),
        ("manager", False, ME, OTHER_DEPT, False, True),  # their own client
        ("manager", False, OTHER, DEPT, False, False),  # another manager's client
        ("manager", True, OTHER, DEPT, True, True),  # a key client passed on (III.4)
        ("manager", False, OTHER, DEPT, True, False),  # a key client, but no key-account manager
        ("manager", True, OTHER, DEPT, False, False),  # key-account, but not a key client
        ("head", False, OTHER, DEPT, False, True),  # their department's client
        ("head", False, None, DEPT, False, True),  # a new client of their department (III.15)
        ("head", False, OTHER, OTHER_DEPT, True, False),  # another department's
        ("commercial", False, ME, DEPT, False, False),
    ],
)
def test_who_may_open_a_draft_for_a_client(
    role, key_account, client_manager, client_department, key_client, allowed
):
    actor = Actor(role=role, pk=ME, department_id=DEPT, key_account=key_account)
    answer = may_start_order_for(
        actor, client_manager_id=client_manager, client_department_id=client_department, key_client=key_client
    )
    assert answer is allowed


@pytest.mark.parametrize(
    ("role", "field", "client_manager", "client_department", "allowed"),
    [
        ("head", "name", OTHER, DEPT, True),  # their department's client
        ("head", "address", OTHER, OTHER_DEPT, False),  # a retail head on a wholesale client
        ("head", "phones", OTHER, OTHER_DEPT, False),
        ("head", "manager", None, OTHER_DEPT, False),
        ("head", "type", None, DEPT, True),
        ("manager", "name", ME, OTHER_DEPT, True),  # their own client
        ("manager", "name", OTHER, DEPT, False),
        ("manager", "type", ME, DEPT, False),  # a head's decision (III.2)
        ("finance", "credit_limit", OTHER, OTHER_DEPT, True),
        ("finance", "name", OTHER, OTHER_DEPT, False),
        ("head", "credit_limit", OTHER, DEPT, False),
        ("operator", "phones", ME, DEPT, False),
        ("manager", "language", ME, OTHER_DEPT, True),  # what their own client receives (II.2)
        ("head", "language", OTHER, DEPT, True),
        ("head", "language", OTHER, OTHER_DEPT, False),
        ("operator", "language", ME, DEPT, False),
        ("finance", "language", OTHER, DEPT, False),
        ("admin", "name", None, None, True),
        ("admin", "no_such_field", None, None, True),  # the service refuses unknown fields apart
        ("head", "no_such_field", OTHER, DEPT, False),
    ],
)
def test_who_changes_which_field_of_a_client(role, field, client_manager, client_department, allowed):
    actor = Actor(role=role, pk=ME, department_id=DEPT)
    answer = may_change_client(
        actor, field, client_manager_id=client_manager, client_department_id=client_department
    )
    assert answer is allowed


def call(operator, transferred_to=None, client_manager=None, client_department=None) -> CallFacts:
    return CallFacts(
        operator_id=operator,
        transferred_to_id=transferred_to,
        client_manager_id=client_manager,
        client_department_id=client_department,
    )


@pytest.mark.parametrize(
    ("role", "facts", "sees", "works"),
    [
        ("operator", call(ME), True, True),  # their own call
        ("operator", call(OTHER), False, False),  # a colleague's call
        ("operator", call(None), True, True),  # registered for nobody yet
        ("manager", call(OTHER, transferred_to=ME), True, False),  # passed to them: they read it
        ("manager", call(OTHER, client_manager=ME), True, False),  # their client's call
        ("manager", call(OTHER, client_manager=OTHER), False, False),
        ("head", call(OTHER, client_department=DEPT), True, False),  # their department's
        ("head", call(OTHER, client_department=OTHER_DEPT), False, False),
        ("finance", call(OTHER, transferred_to=ME), True, False),  # a debtor passed on (III.6)
        ("finance", call(OTHER), True, False),  # reads any call (III.6), works on its own
        ("admin", call(OTHER), True, True),
        ("commercial", call(None), False, False),
    ],
)
def test_whose_calls_a_person_sees_and_whose_side_panels_they_use(role, facts, sees, works):
    actor = Actor(role=role, pk=ME, department_id=DEPT)
    assert may_see_call(actor, facts) is sees
    assert call_reach(actor).covers(facts) is sees
    assert may_work_on_call(actor, facts) is works


@pytest.mark.parametrize(
    ("role", "own", "asked", "may"),
    [("head", 1, 1, True), ("head", 1, 2, False), ("head", None, 1, False), ("admin", None, 2, True)]
    + [(role, 1, 1, False) for role in ("operator", "manager", "finance", "commercial")],
)
def test_whose_figures_a_person_reads(role, own, asked, may):
    assert may_read_department(Actor(role=role, pk=ME, department_id=own), department_id=asked) is may


def test_require_role_lets_admins_and_the_named_roles_through():
    from calldesk.errors import Forbidden

    require_role(Actor(role="finance", pk=ME), "finance")
    require_role(Actor(role="admin", pk=ME), "finance")
    with pytest.raises(Forbidden):
        require_role(Actor(role="head", pk=ME), "finance")
    with pytest.raises(Forbidden):
        require_role(None, "finance")


@pytest.mark.parametrize(
    ("role", "every", "own", "unassigned", "colleagues"),
    [
        ("operator", False, True, True, False),
        ("head", True, True, True, True),
        ("admin", True, True, True, True),
        ("manager", False, False, False, False),
        ("finance", False, False, False, False),
    ],
)
def test_whose_call_tasks_a_person_sees(role, every, own, unassigned, colleagues):
    actor = Actor(role=role, pk=ME, department_id=DEPT)
    assert sees_every_call_task(actor) is every
    assert may_see_call_task(actor, operator_id=ME) is own
    assert may_see_call_task(actor, operator_id=None) is unassigned
    assert may_see_call_task(actor, operator_id=ME + 1) is colleagues


@pytest.mark.parametrize(
    ("role", "key_account", "may_serve_key", "admin_fields", "adds_in_admin"),
    [
        ("manager", True, True, frozenset(), False),  # a key-account manager (III.4)
        ("manager", False, False, frozenset(), False),
        ("head", False, True, frozenset(), False),  # a head may serve a key client himself
        ("finance", False, False, frozenset({"credit_limit", "payment_terms_days"}), False),
        ("admin", False, False, None, True),  # None: every field of the form
        ("commercial", False, False, frozenset(), False),
        ("operator", False, False, frozenset(), False),
    ],
)
def test_who_serves_key_clients_and_what_each_role_edits_in_admin(
    role, key_account, may_serve_key, admin_fields, adds_in_admin
):
    person = Actor(role=role, pk=ME, department_id=DEPT, key_account=key_account)
    assert may_serve_key_clients(person) is may_serve_key
    assert client_fields_editable_in_admin(person) == admin_fields
    assert may_add_or_delete_in_admin(person) is adds_in_admin


@pytest.mark.parametrize(
    ("role", "department", "assigns_here", "credit_terms", "feedback_here", "answers_here"),
    [
        ("head", DEPT, True, False, True, True),
        ("head", OTHER_DEPT, False, False, False, False),  # another department's head
        ("manager", DEPT, False, False, True, False),  # their department's copy, not the head's question
        ("operator", DEPT, False, False, True, False),
        ("finance", None, False, True, False, False),
        ("admin", None, True, True, True, True),
    ],
)
def test_who_assigns_managers_sets_terms_handles_feedback_and_answers_questions(
    role, department, assigns_here, credit_terms, feedback_here, answers_here
):
    actor = Actor(role=role, pk=ME, department_id=department)
    assert may_assign_manager(actor, client_department_id=DEPT) is assigns_here
    assert may_set_credit_terms(actor) is credit_terms
    assert may_handle_feedback(actor, department_id=DEPT) is feedback_here
    assert may_answer_consultation(actor, department_id=DEPT) is answers_here


@pytest.mark.parametrize(
    ("role", "own_row", "every_row", "every_order", "scope", "admin"),
    [
        ("operator", True, False, False, None, False),
        ("manager", True, False, False, None, False),
        ("head", False, True, True, DEPT, False),  # a head's lists are their department's
        ("finance", False, True, False, None, False),  # accounting pays by results (III.25)
        ("commercial", False, False, False, None, False),  # no business with operators' results
        ("admin", False, True, True, None, True),
    ],
)
def test_report_rows_orders_tracked_and_department_scope_by_role(
    role, own_row, every_row, every_order, scope, admin
):
    actor = Actor(role=role, pk=ME, department_id=DEPT)
    assert reads_own_report_row_only(actor) is own_row
    assert reads_every_report_row(actor) is every_row
    assert tracks_every_reachable_order(actor) is every_order
    assert department_scope(actor) == scope
    assert is_admin(actor) is admin
    assert is_operator(actor) is (role == "operator")


@pytest.mark.parametrize(
    ("role", "requested_by", "sees"),
    [
        ("head", ME, True),
        ("head", OTHER, False),
        ("finance", OTHER, False),
        ("admin", OTHER, True),
        ("head", None, False),
    ],
)
def test_an_export_is_for_who_asked_for_it_and_admins(role, requested_by, sees):
    assert may_see_export(Actor(role=role, pk=ME, department_id=DEPT), requested_by_id=requested_by) is sees


def test_the_menu_opens_what_the_matrix_opens_to_the_role():
    from calldesk.access import SCREENS, screens_of_role

    operator = screens_of_role("operator")
    assert {"calls:desk", "outbound:queue", "orders:price-list", "inbox", "reports:me"} <= operator
    assert not {"reports:dashboard", "clients:queue", "outbound:campaigns", "orders:my-orders"} & operator
    assert "orders:price-list" not in screens_of_role("finance")  # finance keeps no price list
    assert "clients:debtors" in screens_of_role("finance")
    assert screens_of_role("admin") == frozenset(SCREENS)  # admins everywhere
    assert screens_of_role(None) == frozenset()
