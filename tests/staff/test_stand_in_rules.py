"""Who stands in for whom (staff.rules): the one rule behind a route to a department's head and
behind every notice's stand-in (III.4, III.11, III.15, III.19). No database: plain people."""

from dataclasses import dataclass

import pytest

from staff.rules import Capacity, NoticeRecipient, notice_recipients, standing_in


@dataclass(frozen=True)
class P:
    name: str
    there: bool = True


OLGA, OLGA_AWAY = P("Ольга Смирнова"), P("Ольга Смирнова", there=False)
PAVEL, PAVEL_AWAY = P("Павел Кузнецов"), P("Павел Кузнецов", there=False)
TATIANA, TATIANA_AWAY = P("Татьяна Павлова"), P("Татьяна Павлова", there=False)
IGOR, IGOR_AWAY = P("Igor Sokolov"), P("Igor Sokolov", there=False)
MARIA = P("Мария Белова")


def there(person: P) -> bool:
    return person.there


@pytest.mark.parametrize(
    ("head", "deputy", "expected"),
    [
        (OLGA, PAVEL, OLGA),
        (OLGA_AWAY, PAVEL, PAVEL),
        (OLGA_AWAY, PAVEL_AWAY, OLGA_AWAY),
        (None, PAVEL_AWAY, PAVEL_AWAY),
        (OLGA_AWAY, None, OLGA_AWAY),
        (None, None, None),
    ],
)
def test_standing_in(head, deputy, expected):
    assert standing_in(head, deputy, is_there=there) is expected


def names(recipients: list[NoticeRecipient]) -> list[tuple[str, str]]:
    return [(r.person.name, r.capacity) for r in recipients]


def test_a_present_addressee_alone_receives_it():
    assert names(notice_recipients(addressee=TATIANA, head=OLGA, deputy=PAVEL, is_there=there)) == [
        ("Татьяна Павлова", Capacity.ADDRESSEE)
    ]


def test_an_absent_managers_notice_goes_also_to_the_head():
    assert names(notice_recipients(addressee=TATIANA_AWAY, head=OLGA, deputy=PAVEL, is_there=there)) == [
        ("Татьяна Павлова", Capacity.ADDRESSEE),
        ("Ольга Смирнова", Capacity.HEAD),
    ]


def test_with_the_head_away_too_the_deputy():
    assert names(notice_recipients(addressee=TATIANA_AWAY, head=OLGA_AWAY, deputy=PAVEL, is_there=there)) == [
        ("Татьяна Павлова", Capacity.ADDRESSEE),
        ("Павел Кузнецов", Capacity.DEPUTY),
    ]


def test_with_everyone_away_the_head_reads_it_on_return():
    assert names(
        notice_recipients(addressee=TATIANA_AWAY, head=OLGA_AWAY, deputy=PAVEL_AWAY, is_there=there)
    ) == [("Татьяна Павлова", Capacity.ADDRESSEE), ("Ольга Смирнова", Capacity.HEAD)]


def test_an_absent_heads_notice_goes_to_the_deputy_never_back_to_the_head():
    assert names(notice_recipients(addressee=OLGA_AWAY, head=OLGA_AWAY, deputy=PAVEL, is_there=there)) == [
        ("Ольга Смирнова", Capacity.ADDRESSEE),
        ("Павел Кузнецов", Capacity.DEPUTY),
    ]


def test_a_question_for_an_absent_head_without_a_deputy_at_work_goes_to_commercial_management():
    assert names(
        notice_recipients(
            addressee=OLGA_AWAY, head=OLGA_AWAY, deputy=PAVEL_AWAY, commercial=(IGOR, MARIA), is_there=there
        )
    ) == [
        ("Ольга Смирнова", Capacity.ADDRESSEE),
        ("Igor Sokolov", Capacity.COMMERCIAL),
        ("Мария Белова", Capacity.COMMERCIAL),
    ]


def test_commercial_management_at_work_first_else_all_of_it():
    at_work = notice_recipients(
        addressee=OLGA_AWAY, head=OLGA_AWAY, deputy=None, commercial=(IGOR_AWAY, MARIA), is_there=there
    )
    assert names(at_work)[1:] == [("Мария Белова", Capacity.COMMERCIAL)]
    nobody = notice_recipients(
        addressee=OLGA_AWAY, head=OLGA_AWAY, deputy=None, commercial=(IGOR_AWAY,), is_there=there
    )
    assert names(nobody)[1:] == [("Igor Sokolov", Capacity.COMMERCIAL)]


def test_no_head_set_the_deputy_receives_it():
    assert names(notice_recipients(addressee=None, head=None, deputy=PAVEL_AWAY, is_there=there)) == [
        ("Павел Кузнецов", Capacity.DEPUTY)
    ]


def test_nobody_to_tell():
    assert notice_recipients(addressee=None, head=None, deputy=None, is_there=there) == []
