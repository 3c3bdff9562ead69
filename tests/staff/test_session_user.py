"""How a screen's request reads the signed-in person (staff.backends.StaffBackend): the user, their
department and their role in one statement, with every rule the access matrix applies still
applied to the person as they are now."""

import pytest
from django.contrib.auth import get_user
from django.test import RequestFactory
from django.urls import reverse

from staff.models import Role
from staff.services import session_user, set_role
from tests.factories import make_staff

pytestmark = pytest.mark.django_db


def test_the_person_comes_with_department_and_role_in_one_query(django_assert_num_queries):
    head = make_staff(Role.HEAD, department_code="retail", username="smirnova", full_name="Ольга Смирнова")

    with django_assert_num_queries(1):
        person = session_user(user_id=head.pk)
        assert (person.username, person.full_name) == ("smirnova", "Ольга Смирнова")
        assert person.role == Role.HEAD.value
        assert person.department.code == "retail"


def test_a_person_without_a_department_or_role_reads_as_such(django_assert_num_queries):
    person = make_staff(Role.OPERATOR, department_code=None, username="kuznetsov")
    person.groups.clear()

    with django_assert_num_queries(1):
        found = session_user(user_id=person.pk)
        assert found.department is None
        assert found.role is None
    assert session_user(user_id=person.pk + 1000) is None


def test_a_role_changed_in_admin_counts_from_the_next_request(client):
    """The role is read with the user on every request, never kept in the session: an operator
    made finance reaches the debtors' screen on the next request, and loses the desk's."""
    person = make_staff(
        Role.OPERATOR, department_code="call_center", username="petrova", full_name="Анна Петрова"
    )
    client.force_login(person)
    assert client.get(reverse("calls:desk")).status_code == 200

    set_role(user=person, role=Role.FINANCE)

    assert client.get(reverse("calls:desk")).status_code == 403
    assert client.get(reverse("clients:debtors")).status_code == 200


def test_a_deactivated_person_is_signed_out_on_the_next_request(client):
    person = make_staff(
        Role.OPERATOR, department_code="call_center", username="ivanov", full_name="Иван Иванов"
    )
    client.force_login(person)
    request = RequestFactory().get("/")
    request.session = client.session
    assert get_user(request).pk == person.pk

    person.is_active = False
    person.save(update_fields=["is_active"])

    assert get_user(request).is_authenticated is False
    response = client.get(reverse("calls:desk"))
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
