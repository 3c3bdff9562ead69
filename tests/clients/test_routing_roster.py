"""The lookup reads the staff roster (key-account managers, finance, head of wholesale) only when
the routing rule may use it (III.4, III.6): every other call is routed from the client's own
people, in fewer queries. These tests prove the shortcut never changes a route."""

from dataclasses import replace
from itertools import product

from clients.rules import CallFacts, Person, Purpose, needs_staff_roster, route_call

MANAGERS = {
    "none": None,
    "available": Person("olga", "Olga Manager"),
    "on a break": Person("olga", "Olga Manager", presence="break"),
    "left": Person("olga", "Olga Manager", is_active=False),
}
ROSTER = {
    "key_account_managers": (Person("olga", "Olga Manager"), Person("kira", "Kira Key")),
    "wholesale_head": Person("wanda", "Wanda Head"),
    "finance": (Person("fedor", "Fedor Finance", presence="away"), Person("fina", "Fina Finance")),
}


def every_fact():
    for purpose, known, key, manager, blocks in product(
        Purpose.ALL, (True, False), (True, False), MANAGERS.values(), (True, False)
    ):
        yield CallFacts(
            purpose=purpose,
            client_known=known,
            is_key_client=key,
            manager=manager,
            department_name="Retail",
            department_head=Person("hanna", "Hanna Head"),
            debt_blocks_order=blocks,
            debt_sentence="Overdue debt: 100.00 RUB." if blocks else "",
        )


def test_without_the_roster_need_the_route_is_the_same_with_or_without_it():
    skipped = 0
    for facts in every_fact():
        if not needs_staff_roster(facts):
            skipped += 1
            assert route_call(facts) == route_call(replace(facts, **ROSTER)), facts
    # 3 purposes x 2 known x 2 key x 4 managers x 2 debt = 96 facts; the roster is needed only by
    # order calls of known clients whose manager is on a break or gone (2) and who are key,
    # blocked by debt, or both (3): 6 facts.
    assert skipped == 96 - 6


def test_when_the_roster_is_needed_it_decides_the_route():
    needed = [facts for facts in every_fact() if needs_staff_roster(facts)]
    assert len(needed) == 6
    routes = {(r.handler, r.user) for r in (route_call(replace(f, **ROSTER)) for f in needed)}
    assert routes == {("key_account_manager", "kira"), ("finance", "fina")}
    # and without it the same facts go elsewhere: the roster matters exactly there
    assert all(route_call(f) != route_call(replace(f, **ROSTER)) for f in needed)
