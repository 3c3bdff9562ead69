"""The seven rules of `GET /lookup` (API.md) as one pure function, walked table by table.

No database: plain values in, a route out (III.3, III.4, III.6, III.15, III.18, III.19).
"""

import pytest

from clients.rules import CallFacts, Person, route_call

OLEG = Person("oleg", "Oleg Ivanov")
OLEG_ABSENT = Person("oleg", "Oleg Ivanov", presence="absent")
IRINA = Person("irina", "Irina Petrova")
IRINA_ABSENT = Person("irina", "Irina Petrova", presence="absent")
ELENA = Person("elena", "Elena Vasilyeva")
ELENA_BUSY = Person("elena", "Elena Vasilyeva", presence="busy")
HEAD = Person("volkov", "Sergey Volkov")
HEAD_ABSENT = Person("volkov", "Sergey Volkov", presence="absent")
NATALIA = Person("norlova", "Natalia Orlova")
NATALIA_ABSENT = Person("norlova", "Natalia Orlova", presence="absent")
DEBT = "The order cannot be taken: RUB\xa01,000.00 is overdue."


def facts(**overrides) -> CallFacts:
    values = {
        "purpose": "order",
        "client_known": True,
        "is_key_client": False,
        "manager": OLEG,
        "department_name": "Wholesale sales",
        "department_head": HEAD,
        "key_account_managers": (IRINA, ELENA),
        "wholesale_head": HEAD,
        "finance": (NATALIA,),
        "debt_blocks_order": False,
        "debt_sentence": "",
    }
    values.update(overrides)
    return CallFacts(**values)


CASES = [
    # id, facts, (handler, user, clause, reason)
    (
        "1 reference request goes to the operator, whoever calls",
        facts(purpose="reference", client_known=False, manager=None),
        (
            "operator",
            None,
            "III.18",
            "Reference request: give the prices, assortment and terms, and offer to send them.",
        ),
    ),
    (
        "1 reference request from a key client with debt is still the operator's",
        facts(purpose="reference", is_key_client=True, debt_blocks_order=True, debt_sentence=DEBT),
        (
            "operator",
            None,
            "III.18",
            "Reference request: give the prices, assortment and terms, and offer to send them.",
        ),
    ),
    (
        "2 unknown phone: register, then the department head",
        facts(client_known=False, manager=None, department_head=None),
        (
            "department_head",
            None,
            "III.15",
            "New client: register the client, then pass the call to the head of its department.",
        ),
    ),
    (
        "3 no manager: the head of the client's department",
        facts(manager=None),
        (
            "department_head",
            "volkov",
            "III.15",
            "No manager assigned yet: pass to Sergey Volkov (head of Wholesale sales).",
        ),
    ),
    (
        "3 no manager and the head is absent: still the head, with a callback",
        facts(manager=None, department_head=HEAD_ABSENT),
        (
            "department_head",
            "volkov",
            "III.15",
            "No manager assigned yet: pass to Sergey Volkov (head of Wholesale sales). "
            "Sergey Volkov is absent: leave a callback request.",
        ),
    ),
    (
        "3 no manager beats purpose other and key client",
        facts(manager=None, purpose="other", is_key_client=True),
        (
            "department_head",
            "volkov",
            "III.15",
            "No manager assigned yet: pass to Sergey Volkov (head of Wholesale sales).",
        ),
    ),
    (
        "4 other purpose: the manager when reachable",
        facts(purpose="other"),
        ("manager", "oleg", "III.19", "Not an order: pass to Oleg Ivanov (manager)."),
    ),
    (
        "4 other purpose, manager absent: the department head",
        facts(purpose="other", manager=OLEG_ABSENT),
        (
            "department_head",
            "volkov",
            "III.19",
            "Not an order; Oleg Ivanov is absent: pass to Sergey Volkov (head of Wholesale sales).",
        ),
    ),
    (
        "5 key client: its key-account manager",
        facts(is_key_client=True, manager=IRINA),
        ("manager", "irina", "III.4", "Key client: pass to Irina Petrova (key-account manager)."),
    ),
    (
        "5 key client with debt still goes to the key-account chain",
        facts(is_key_client=True, manager=IRINA, debt_blocks_order=True, debt_sentence=DEBT),
        ("manager", "irina", "III.4", "Key client: pass to Irina Petrova (key-account manager)."),
    ),
    (
        "5 key client, manager absent: another reachable key-account manager",
        facts(is_key_client=True, manager=IRINA_ABSENT, key_account_managers=(IRINA_ABSENT, ELENA)),
        (
            "key_account_manager",
            "elena",
            "III.4",
            "Key client: pass to Elena Vasilyeva (key-account manager); Irina Petrova is absent.",
        ),
    ),
    (
        "5 key client, every key-account manager away: the head of wholesale",
        facts(is_key_client=True, manager=IRINA_ABSENT, key_account_managers=(IRINA_ABSENT, ELENA_BUSY)),
        (
            "wholesale_head",
            "volkov",
            "III.4",
            "Key client: Irina Petrova is absent and no other key-account manager is available: "
            "pass to Sergey Volkov (head of wholesale sales).",
        ),
    ),
    (
        "5 key client, chain exhausted and no head of wholesale set",
        facts(is_key_client=True, manager=IRINA_ABSENT, key_account_managers=(), wholesale_head=None),
        (
            "wholesale_head",
            None,
            "III.4",
            "Key client: Irina Petrova is absent and no other key-account manager is available: "
            "pass to the head of wholesale sales.",
        ),
    ),
    (
        "6 debt blocks: the manager, with the sentence to say",
        facts(debt_blocks_order=True, debt_sentence=DEBT),
        ("manager", "oleg", "III.6", DEBT + " Pass to Oleg Ivanov (manager)."),
    ),
    (
        "6 debt blocks, manager absent: a reachable finance user",
        facts(
            debt_blocks_order=True,
            debt_sentence=DEBT,
            manager=OLEG_ABSENT,
            finance=(NATALIA_ABSENT, Person("f2", "Fyodor Popov")),
        ),
        ("finance", "f2", "III.6", DEBT + " Pass to Fyodor Popov (finance); Oleg Ivanov is absent."),
    ),
    (
        "6 debt blocks, manager and finance away: finance, nobody named",
        facts(debt_blocks_order=True, debt_sentence=DEBT, manager=OLEG_ABSENT, finance=(NATALIA_ABSENT,)),
        (
            "finance",
            None,
            "III.6",
            DEBT + " Oleg Ivanov is absent and no one in finance is available: take a callback request.",
        ),
    ),
    (
        "6 a manager who left counts as unreachable",
        facts(
            debt_blocks_order=True, debt_sentence=DEBT, manager=Person("oleg", "Oleg Ivanov", is_active=False)
        ),
        (
            "finance",
            "norlova",
            "III.6",
            DEBT + " Pass to Natalia Orlova (finance); Oleg Ivanov no longer works here.",
        ),
    ),
    (
        "7 ordinary client, no debt: the operator takes the order",
        facts(),
        ("operator", None, "III.3", "Take the order."),
    ),
    (
        "7 the operator takes it even when the manager is absent",
        facts(manager=OLEG_ABSENT),
        ("operator", None, "III.3", "Take the order."),
    ),
]


@pytest.mark.parametrize(("case", "given", "expected"), CASES, ids=[c[0] for c in CASES])
def test_lookup_rules(case, given, expected):
    route = route_call(given)
    assert (route.handler, route.user, route.clause, route.reason) == expected


# --- The deputy stands in for the head (III.4, III.15, III.19; staff.rules.standing_in) ----------

OLGA = Person("osmirnova", "Ольга Смирнова")
OLGA_ABSENT = Person("osmirnova", "Ольга Смирнова", presence="absent")
PAVEL = Person("pkuznetsov", "Павел Кузнецов")
PAVEL_BUSY = Person("pkuznetsov", "Павел Кузнецов", presence="busy")
RETAIL = "Розница"

DEPUTY_CASES = [
    (
        "3 the head is reachable: the head, whoever the deputy",
        facts(manager=None, department_name=RETAIL, department_head=OLGA, department_deputy=PAVEL),
        (
            "department_head",
            "osmirnova",
            "III.15",
            "No manager assigned yet: pass to Ольга Смирнова (head of Розница).",
        ),
    ),
    (
        "3 the head is absent, the deputy reachable: the deputy",
        facts(manager=None, department_name=RETAIL, department_head=OLGA_ABSENT, department_deputy=PAVEL),
        (
            "department_head",
            "pkuznetsov",
            "III.15",
            "No manager assigned yet: pass to Павел Кузнецов (deputy head of Розница)."
            " Ольга Смирнова is absent.",
        ),
    ),
    (
        "3 neither reachable: the head, with a callback request",
        facts(
            manager=None, department_name=RETAIL, department_head=OLGA_ABSENT, department_deputy=PAVEL_BUSY
        ),
        (
            "department_head",
            "osmirnova",
            "III.15",
            "No manager assigned yet: pass to Ольга Смирнова (head of Розница)."
            " Ольга Смирнова is absent: leave a callback request.",
        ),
    ),
    (
        "3 no head is set, only a deputy: the deputy",
        facts(manager=None, department_name=RETAIL, department_head=None, department_deputy=PAVEL),
        (
            "department_head",
            "pkuznetsov",
            "III.15",
            "No manager assigned yet: pass to Павел Кузнецов (deputy head of Розница).",
        ),
    ),
    (
        "3 only a deputy, who is busy: still the deputy, with a callback request",
        facts(manager=None, department_name=RETAIL, department_head=None, department_deputy=PAVEL_BUSY),
        (
            "department_head",
            "pkuznetsov",
            "III.15",
            "No manager assigned yet: pass to Павел Кузнецов (deputy head of Розница)."
            " Павел Кузнецов is busy: leave a callback request.",
        ),
    ),
    (
        "3 neither head nor deputy: nobody",
        facts(manager=None, department_name=RETAIL, department_head=None, department_deputy=None),
        (
            "department_head",
            None,
            "III.15",
            "No manager assigned yet: pass to the head of Розница (no head is set).",
        ),
    ),
    (
        "4 not an order, the manager and the head absent: the deputy",
        facts(
            purpose="other",
            manager=OLEG_ABSENT,
            department_name=RETAIL,
            department_head=OLGA_ABSENT,
            department_deputy=PAVEL,
        ),
        (
            "department_head",
            "pkuznetsov",
            "III.19",
            "Not an order; Oleg Ivanov is absent: pass to Павел Кузнецов (deputy head of Розница)."
            " Ольга Смирнова is absent.",
        ),
    ),
    (
        "5 key client, every key-account manager away, the head of wholesale absent: the deputy",
        facts(
            is_key_client=True,
            manager=IRINA_ABSENT,
            key_account_managers=(IRINA_ABSENT, ELENA_BUSY),
            wholesale_head=HEAD_ABSENT,
            wholesale_deputy=OLGA,
        ),
        (
            "wholesale_head",
            "osmirnova",
            "III.4",
            "Key client: Irina Petrova is absent and no other key-account manager is available:"
            " pass to Ольга Смирнова (deputy head of wholesale sales).",
        ),
    ),
    (
        "5 key client, the head of wholesale and the deputy both away: the head",
        facts(
            is_key_client=True,
            manager=IRINA_ABSENT,
            key_account_managers=(IRINA_ABSENT,),
            wholesale_head=HEAD_ABSENT,
            wholesale_deputy=OLGA_ABSENT,
        ),
        (
            "wholesale_head",
            "volkov",
            "III.4",
            "Key client: Irina Petrova is absent and no other key-account manager is available:"
            " pass to Sergey Volkov (head of wholesale sales).",
        ),
    ),
    (
        "5 key client, wholesale has only a deputy: the deputy",
        facts(
            is_key_client=True,
            manager=IRINA_ABSENT,
            key_account_managers=(IRINA_ABSENT,),
            wholesale_head=None,
            wholesale_deputy=OLGA_ABSENT,
        ),
        (
            "wholesale_head",
            "osmirnova",
            "III.4",
            "Key client: Irina Petrova is absent and no other key-account manager is available:"
            " pass to Ольга Смирнова (deputy head of wholesale sales).",
        ),
    ),
]


@pytest.mark.parametrize(("case", "given", "expected"), DEPUTY_CASES, ids=[c[0] for c in DEPUTY_CASES])
def test_the_deputy_stands_in_for_an_unreachable_head(case, given, expected):
    route = route_call(given)
    assert (route.handler, route.user, route.clause, route.reason) == expected
