import pytest
from django.conf import settings
from django.test import Client as HttpClient
from django.utils import translation

from staff.models import Role
from staff.services import issue_api_token
from tests.factories import make_staff


@pytest.fixture(autouse=True)
def _each_test_starts_in_the_default_language():
    """A request through the locale middleware leaves its language active in the thread (Django
    does not switch it back), and so does a test that activates one: every test starts in
    LANGUAGE_CODE, whatever ran before it."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def operator(db):
    return make_staff(Role.OPERATOR, department_code="call_center", username="op", full_name="Olga Smirnova")


@pytest.fixture
def staff_of(db):
    """staff_of(role, department_code=...) makes a member of staff with that role."""

    def make(role: Role, department_code: str | None = "wholesale", **kwargs):
        return make_staff(role, department_code=department_code, **kwargs)

    return make


@pytest.fixture
def api(db):
    """api(user) -> a test client that sends the user's Bearer token on every request."""

    def make(user):
        issued = issue_api_token(user=user, name="tests")
        return HttpClient(headers={"Authorization": f"Bearer {issued.raw}"})

    return make


def pytest_collection_modifyitems(config, items):
    """Tests under tests/integration/ and tests/browser/ carry their layer's marker, so a test
    placed there can never run in the wrong layer, or in none."""
    for item in items:
        parts = item.path.parts
        if "integration" in parts:
            item.add_marker(pytest.mark.integration)
        if "browser" in parts:
            item.add_marker(pytest.mark.browser)
