"""The production calendar (III.12, API.md "Stock, VAT, packs, calendar"): seeded from Russia's
calendar (holidays package), 1 January and 8 March refused as delivery days, a Saturday worked
accepted, a warehouse's cut-off moving the earliest delivery date, and PUT /calendar all or
nothing, for admins only."""

from datetime import date, datetime, time

import pytest
from django.utils import timezone

from orders.rules import Missing
from orders.selectors import draft_state
from orders.services import set_terms, start_order
from staff.models import Role
from tests.orders.conftest import delivery_day
from tests.warehouse.conftest import ready_draft
from warehouse.calendar import is_working_day, next_working_day, seed_calendar, working_calendar
from warehouse.models import CalendarDay
from warehouse.rules import WorkingCalendar, earliest_delivery

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture
def calendar_2027(db):
    CalendarDay.objects.filter(date__year=2027).delete()
    assert seed_calendar([2027]) == 21
    return 2027


# --- Seeded from the holidays package ----------------------------------------------------------


def test_russias_2027_calendar_is_seeded_with_its_holidays_and_the_saturday_worked(calendar_2027):
    days = dict(CalendarDay.objects.filter(date__year=2027).values_list("date", "working"))
    assert [day for day in sorted(days) if days[day]] == [date(2027, 2, 20)]  # the Saturday worked
    assert (days[date(2027, 1, 1)], days[date(2027, 3, 8)], days[date(2027, 2, 22)]) == (False, False, False)
    assert CalendarDay.objects.get(date=date(2027, 3, 8)).note == "Международный женский день"
    assert seed_calendar([2027]) == 0  # seeding again adds nothing


def test_seeding_keeps_a_day_an_admin_set(db):
    CalendarDay.objects.filter(date__year=2027).delete()
    CalendarDay.objects.create(date=date(2027, 3, 8), working=True, note="Инвентаризация")
    seed_calendar([2027])
    assert CalendarDay.objects.get(date=date(2027, 3, 8)).working is True


def test_the_migrations_seeded_this_year_and_the_next(db):
    from django.utils import timezone

    year = timezone.localdate().year
    assert set(CalendarDay.objects.filter(date=date(year + 1, 1, 1)).values_list("working", flat=True)) == {
        False
    }
    assert CalendarDay.objects.filter(date__year=year).count() >= 15


def test_working_days_follow_the_calendar(calendar_2027):
    assert [is_working_day(date(2027, 1, day)) for day in (1, 8, 11)] == [False, False, True]
    assert is_working_day(date(2027, 2, 20)) is True  # a Saturday worked
    assert is_working_day(date(2027, 2, 21)) is False  # a Sunday
    assert next_working_day(date(2026, 12, 30)) == date(2027, 1, 11)  # 31 December and the New Year off
    assert next_working_day(date(2027, 2, 19)) == date(2027, 2, 20)
    assert next_working_day(date(2027, 3, 5)) == date(2027, 3, 9)


def test_reading_a_range_is_one_query(calendar_2027, django_assert_num_queries):
    with django_assert_num_queries(1):
        calendar = working_calendar(date(2027, 1, 1), date(2027, 3, 31))
    assert sum(calendar.is_working(date(2027, 1, d)) for d in range(1, 32)) == 15


# --- The rule, pure ----------------------------------------------------------------------------


def week(days=None) -> WorkingCalendar:
    return WorkingCalendar(start=date(2027, 2, 15), end=date(2027, 3, 20), days=days or {})


def test_the_earliest_delivery_is_the_next_working_day_before_the_cut_off():
    at = datetime(2027, 2, 16, 13, 59)  # a Tuesday
    assert earliest_delivery(now=at, cut_off=time(14, 0), calendar=week()) == date(2027, 2, 17)
    assert earliest_delivery(now=at, cut_off=None, calendar=week()) == date(2027, 2, 17)


def test_after_the_cut_off_the_earliest_delivery_is_one_working_day_later():
    assert earliest_delivery(now=datetime(2027, 2, 16, 14, 1), cut_off=time(14, 0), calendar=week()) == date(
        2027, 2, 18
    )
    # Friday after the cut-off: not Monday but Tuesday
    assert earliest_delivery(now=datetime(2027, 2, 19, 15, 0), cut_off=time(14, 0), calendar=week()) == date(
        2027, 2, 23
    )


def test_on_a_day_off_a_warehouse_with_a_cut_off_delivers_a_day_later():
    sunday = datetime(2027, 2, 21, 9, 0)
    assert earliest_delivery(now=sunday, cut_off=time(14, 0), calendar=week()) == date(2027, 2, 23)
    assert earliest_delivery(now=sunday, cut_off=None, calendar=week()) == date(2027, 2, 22)


def test_the_calendars_days_off_and_saturdays_worked_count():
    calendar = week({date(2027, 2, 20): True, date(2027, 2, 22): False, date(2027, 2, 23): False})
    friday = datetime(2027, 2, 19, 15, 0)
    assert earliest_delivery(now=friday, cut_off=None, calendar=calendar) == date(2027, 2, 20)
    assert earliest_delivery(now=friday, cut_off=time(14, 0), calendar=calendar) == date(2027, 2, 24)


# --- Delivery dates of a draft (III.12) --------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "refused"),
    [
        (date(2027, 1, 1), True),  # New Year
        (date(2027, 3, 8), True),  # International Women's Day
        (date(2027, 2, 22), True),  # a Monday off, moved from the Saturday worked
        (date(2027, 2, 20), False),  # the Saturday worked
        (date(2027, 2, 19), False),  # a Friday
        (date(2027, 2, 21), True),  # a Sunday
    ],
)
def test_a_delivery_date_must_be_a_working_day_of_the_calendar(
    operator, kvass, market, calendar_2027, day, refused
):
    order_id = ready_draft(operator, market, "КВАС-1", "1")
    order = set_terms(actor=operator, order_id=order_id, delivery={"date": day})
    state = draft_state(order=order, actor=operator, on=date(2026, 12, 3))
    assert (Missing.DELIVERY_INCOMPLETE in state.missing) is refused


def test_a_cut_off_passed_moves_the_earliest_delivery_date(operator, kvass, market, main_warehouse):
    from orders.services import confirm_order

    main_warehouse.cut_off = time(0, 0)  # every moment of today is after it
    main_warehouse.save()
    order_id = ready_draft(operator, market, "КВАС-1", "1")  # agreed for the next working day
    order = start_order(actor=operator, client_id=market.pk)
    state = draft_state(order=order, actor=operator, on=timezone.localdate())
    assert state.facts.earliest_delivery == next_working_day(delivery_day())
    from orders.exceptions import DeliveryIncomplete

    with pytest.raises(DeliveryIncomplete):
        confirm_order(actor=operator, order_id=order_id)
    set_terms(actor=operator, order_id=order_id, delivery={"date": next_working_day(delivery_day())})
    assert confirm_order(actor=operator, order_id=order_id).status == "confirmed"


# --- PUT /calendar -----------------------------------------------------------------------------


def put_calendar(http, rows):
    return http.put("/api/v1/calendar", rows, content_type=JSON)


@pytest.fixture
def admin(staff_of):
    return staff_of(Role.ADMIN, department_code=None, username="admin.k")


def test_an_admin_makes_a_saturday_a_working_day(api, admin, calendar_2027):
    http = api(admin)
    saturday = date(2027, 6, 19)
    assert is_working_day(saturday) is False
    answer = put_calendar(
        http,
        [
            {"date": "2027-06-19", "working": True, "note": "Рабочая суббота"},
            {"date": "2027-03-08", "working": False, "note": "Международный женский день"},  # as it was
            {"date": "2027-06-18", "working": False},
        ],
    )
    assert (answer.status_code, answer.json()) == (200, {"created": 2, "updated": 0})
    assert (is_working_day(saturday), is_working_day(date(2027, 6, 18))) == (True, False)
    assert next_working_day(date(2027, 6, 17)) == saturday
    again = put_calendar(http, [{"date": "2027-06-19", "working": False, "note": ""}])
    assert again.json() == {"created": 0, "updated": 1}
    assert is_working_day(saturday) is False


def test_bad_rows_are_all_reported_and_nothing_is_written(api, admin, calendar_2027):
    answer = put_calendar(
        api(admin),
        [
            {"date": "2027-06-19", "working": True},  # good, but not written
            {"date": "31.02.2026", "working": True},
            {"date": "03.12.2026", "working": False, "note": "x" * 201},
            {"date": "2026-02-30", "working": "да"},
            {"working": True},
            ["2027-06-20", True],
            {"date": "2027-06-19", "working": False},
        ],
    )
    assert answer.status_code == 400
    body = answer.json()
    assert (body["code"], body["detail"]) == (
        "validation_error",
        "Nothing was written: some rows are not valid.",
    )
    assert [(e["row"], e["field"], e["detail"]) for e in body["errors"]] == [
        (1, "date", "31.02.2026 is not a date. Send dates as YYYY-MM-DD."),
        (2, "date", "Send dates as YYYY-MM-DD: 03.12.2026 is 2026-12-03."),
        (2, "note", "At most 200 characters."),
        (3, "date", "2026-02-30 is not a valid date."),
        (3, "working", "Send true (a working day) or false (a day off)."),
        (4, "date", "This field is required."),
        (5, "", "Each row must be an object with date, working and note."),
        (6, "date", "2027-06-19 is already in row 0."),
    ]
    assert not CalendarDay.objects.filter(date=date(2027, 6, 19)).exists()


def test_only_admins_keep_the_calendar(api, operator, staff_of, warehouse_token, calendar_2027):
    row = [{"date": "2027-06-19", "working": True}]
    others = [
        operator,
        warehouse_token,
        staff_of(Role.COMMERCIAL, username="comm"),
        staff_of(Role.HEAD, username="head"),
    ]
    assert [put_calendar(api(user), row).status_code for user in others] == [403, 403, 403, 403]
    assert not CalendarDay.objects.filter(date=date(2027, 6, 19)).exists()
