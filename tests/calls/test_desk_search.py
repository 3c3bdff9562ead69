"""The operator's desk finds the caller by phone (any notation), tax id or name (III.1, III.2)."""

import pytest
from django.urls import reverse

from clients.selectors import search_clients
from staff.models import Role
from tests.factories import ClientFactory, ClientPhoneFactory, client_type

pytestmark = pytest.mark.django_db


@pytest.fixture
def kolos(staff_of):
    manager = staff_of(Role.MANAGER, full_name="Oleg Ivanov")
    client = ClientFactory(name="Kolos grocery", tax_id="7701234567", manager=manager)
    ClientPhoneFactory(client=client, number="+74951234567")
    ClientPhoneFactory(client=client, number="+79161112233")
    return client


@pytest.mark.parametrize(
    "term", ["8 (495) 123-45-67", "+7 495 123 45 67", "1234567", "7701234567", "kolos", "GROCERY"]
)
def test_search_finds_the_client_by_phone_tax_id_or_name(kolos, term):
    assert search_clients(term) == [kolos]


def test_search_of_one_letter_returns_nothing(kolos):
    assert search_clients("k") == []


def test_search_lists_each_client_once_even_with_two_matching_phones(kolos):
    ClientFactory(name="Other", tax_id="5000000001")
    assert search_clients("7") == []  # too short
    assert [c.pk for c in search_clients("Kolos")] == [kolos.pk]


def test_search_query_count_does_not_grow_with_results(django_assert_num_queries, staff_of):
    for n in range(15):
        client = ClientFactory(
            name=f"Zarya shop {n}", manager=staff_of(Role.MANAGER), type=client_type("retail")
        )
        ClientPhoneFactory(client=client)
    # the matching ids; their cards; their phones
    with django_assert_num_queries(3):
        results = search_clients("zarya")
        assert len(results) == 15
        for client in results:  # everything the result table reads is already loaded
            _ = (client.type.name, client.manager.full_name, [p.number for p in client.phones.all()])
    assert [c.name for c in results] == sorted((f"Zarya shop {n}" for n in range(15)), key=str)
    with django_assert_num_queries(1):
        assert search_clients("nobody of that name") == []


def test_search_reads_each_clients_own_phones_in_order_whatever_the_number_found():
    """The cards and phones of the clients found are read by statements compiled once per
    number of clients found (calldesk.prepared): each client gets its own phones, in order."""
    first = ClientFactory(name="Ромашка, магазин")
    second = ClientFactory(name="Ромашка-2, киоск")
    for client, numbers in ((first, ["+74951110001", "+74951110002"]), (second, ["+74951110003"])):
        for number in numbers:
            ClientPhoneFactory(client=client, number=number)
    for term, expected in (
        (
            "ромашка",
            [("Ромашка, магазин", ["+74951110001", "+74951110002"]), ("Ромашка-2, киоск", ["+74951110003"])],
        ),
        ("киоск", [("Ромашка-2, киоск", ["+74951110003"])]),
        (
            "ромашка",
            [("Ромашка, магазин", ["+74951110001", "+74951110002"]), ("Ромашка-2, киоск", ["+74951110003"])],
        ),
    ):
        found = search_clients(term)
        assert [(c.name, [p.number for p in c.phones.all()]) for c in found] == expected


def test_desk_page_shows_the_client_card_row(client, operator, kolos):
    client.force_login(operator)
    response = client.get(reverse("calls:desk"), {"q": "8 495 123-45-67"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Kolos grocery" in html
    assert "Oleg Ivanov" in html
    first = '<span class="phone" title="+74951234567">8 (495) 123-45-67</span>'
    second = '<span class="phone" title="+79161112233">8 (916) 111-22-33</span>'
    assert f"{first}, {second}" in html
    assert "<html" in html


def test_desk_htmx_search_returns_only_the_results_fragment(client, operator, kolos):
    client.force_login(operator)
    response = client.get(reverse("calls:desk"), {"q": "kolos"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.strip().startswith('<section id="client-results"')
    assert "<html" not in html
    assert "Kolos grocery" in html


def test_desk_says_when_nobody_matches(client, operator, kolos):
    client.force_login(operator)
    response = client.get(reverse("calls:desk"), {"q": "nobody here"}, headers={"HX-Request": "true"})
    assert "No client matches “nobody here”." in response.content.decode()


def test_desk_screen_runs_a_constant_number_of_queries(client, operator, staff_of, django_assert_num_queries):
    for n in range(10):
        ClientPhoneFactory(client=ClientFactory(name=f"Vesna {n}", manager=staff_of(Role.MANAGER)))
    client.force_login(operator)
    # session, the user with their role, the matching ids, their cards, their phones (the
    # session is not written again within a minute of signing in): 5, for any n.
    with django_assert_num_queries(5):
        response = client.get(reverse("calls:desk"), {"q": "vesna"})
    assert response.content.decode().count("Vesna ") == 10


def test_search_shows_the_first_twenty_matches_by_name_of_many():
    """A common part of a name matches many clients: the first 20 by name, each once."""
    for n in (7, 24, 3, 18, 11, 0, 22, 15, 1, 9, 20, 5, 13, 2, 17, 23, 8, 4, 21, 6, 19, 12, 10, 16, 14):
        ClientFactory(name=f"Vesna kiosk {n:02d}")
    ClientFactory(name="Zarya kiosk")
    assert [c.name for c in search_clients("vesna")] == [f"Vesna kiosk {n:02d}" for n in range(20)]
    assert [c.name for c in search_clients("vesna", limit=3)] == [
        "Vesna kiosk 00",
        "Vesna kiosk 01",
        "Vesna kiosk 02",
    ]


def test_one_form_takes_the_order_for_the_row_whose_button_is_pressed(client, operator, kolos):
    """The result list is one form with one CSRF token; each row's button sends its client."""
    client.force_login(operator)
    html = client.get(reverse("calls:desk"), {"q": "kolos"}, headers={"HX-Request": "true"}).content.decode()
    assert html.count('name="csrfmiddlewaretoken"') == 1
    assert f'name="client" value="{kolos.pk}" class="take-order"' in html
