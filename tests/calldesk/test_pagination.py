"""API.md: every list takes `?limit=` (1 to 500, default 50) and `?offset=` (0 or more), checked
by one rule (calldesk.pagination.page_bounds) whatever the list."""

import pytest

from calldesk.errors import InvalidInput
from calldesk.pagination import page_bounds
from staff.models import Role


def test_the_bounds_of_a_page():
    assert page_bounds(50, 0) == (0, 50)
    assert page_bounds(1, 499) == (499, 500)
    assert page_bounds(500, 1000) == (1000, 1500)


@pytest.mark.parametrize(
    ("limit", "offset", "fields"),
    [(0, 0, ["limit"]), (501, 0, ["limit"]), (50, -1, ["offset"]), (0, -1, ["limit", "offset"])],
)
def test_out_of_range_names_each_parameter(limit, offset, fields):
    with pytest.raises(InvalidInput) as caught:
        page_bounds(limit, offset)
    assert [error.field for error in caught.value.errors] == fields
    assert caught.value.detail == "limit is 1 to 500 and offset 0 or more."


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/clients",
        "/api/v1/staff",
        "/api/v1/products",
        "/api/v1/orders",
        "/api/v1/calls",
        "/api/v1/call-tasks",
    ],
)
def test_every_list_answers_400_for_a_page_out_of_range(api, staff_of, path):
    http = api(staff_of(Role.ADMIN, department_code=None, username="админ"))

    response = http.get(path, {"limit": 501, "offset": -1})

    assert response.status_code == 400
    assert response.json() == {
        "code": "validation_error",
        "detail": "limit is 1 to 500 and offset 0 or more.",
        "errors": [
            {"field": "limit", "detail": "From 1 to 500."},
            {"field": "offset", "detail": "0 or more."},
        ],
    }
    assert http.get(path, {"limit": 500, "offset": 0}).status_code == 200
