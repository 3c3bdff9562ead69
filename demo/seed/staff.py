"""Demo staff: one login per role, the colleagues who serve the clients beside them, who is away
when the demo starts (so every routing rule has a live example, III.4, III.6), and the heads of
the departments and their deputies."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password

from demo.seed.common import DEFAULT_LOCALE, check_locale
from staff.models import Department, Role, User
from staff.services import set_role

DEMO_PASSWORD = "calldesk-demo"  # nosec B105  # noqa: S105 - printed for the demo; never a real account

# username, full name, role, department, key-account: the demo logins, one per role.
DEMO_LOGINS = [
    ("operator", "Olga Smirnova", Role.OPERATOR, "call_center", False),
    ("manager", "Oleg Ivanov", Role.MANAGER, "wholesale", False),
    ("kam", "Irina Petrova", Role.MANAGER, "wholesale", True),
    ("head", "Sergey Volkov", Role.HEAD, "wholesale", False),
    ("finance", "Natalia Orlova", Role.FINANCE, "finance", False),
    ("commercial", "Dmitry Sokolov", Role.COMMERCIAL, "wholesale", False),
    ("admin", "Anna Kuznetsova", Role.ADMIN, None, False),
]
# The rest of the staff, who serve the clients beside the demo logins.
OTHER_STAFF = [
    ("operator2", "Marina Egorova", Role.OPERATOR, "call_center", False),
    ("operator3", "Pavel Nikitin", Role.OPERATOR, "call_center", False),
    ("operator4", "Yulia Fedorova", Role.OPERATOR, "call_center", False),
    ("manager2", "Andrey Morozov", Role.MANAGER, "wholesale", False),
    ("kam2", "Elena Vasilyeva", Role.MANAGER, "wholesale", True),
    ("retail1", "Tatiana Pavlova", Role.MANAGER, "retail", False),
    ("retail2", "Maxim Semenov", Role.MANAGER, "retail", False),
    ("regional1", "Viktor Golubev", Role.MANAGER, "regional", False),
    ("regional2", "Svetlana Vinogradova", Role.MANAGER, "regional", False),
    ("head_retail", "Alexey Bogdanov", Role.HEAD, "retail", False),
    ("head_regional", "Ekaterina Kozlova", Role.HEAD, "regional", False),
    ("head_calls", "Roman Lebedev", Role.HEAD, "call_center", False),
    ("deputy_wholesale", "Nikolay Zaitsev", Role.HEAD, "wholesale", False),
]
# The staff's names in the Russian data set (the logins stay Latin: they are typed).
RU_FULL_NAMES = {
    "operator": "Ольга Смирнова",
    "manager": "Олег Иванов",
    "kam": "Ирина Петрова",
    "head": "Сергей Волков",
    "finance": "Наталья Орлова",
    "commercial": "Дмитрий Соколов",
    "admin": "Анна Кузнецова",
    "operator2": "Марина Егорова",
    "operator3": "Павел Никитин",
    "operator4": "Юлия Фёдорова",
    "manager2": "Андрей Морозов",
    "kam2": "Елена Васильева",
    "retail1": "Татьяна Павлова",
    "retail2": "Максим Семёнов",
    "regional1": "Виктор Голубев",
    "regional2": "Светлана Виноградова",
    "head_retail": "Алексей Богданов",
    "head_regional": "Екатерина Козлова",
    "head_calls": "Роман Лебедев",
    "deputy_wholesale": "Николай Зайцев",
}
# Who is away when the demo starts, so that every routing rule has a live example (III.4, III.6):
# Elena's key clients go to Irina, Andrey's debtors go to finance. Set once, at creation.
AWAY_AT_START = {
    "kam2": User.Presence.ABSENT,
    "manager2": User.Presence.ABSENT,
    "retail2": User.Presence.BUSY,
}
DEPARTMENT_HEADS = {
    "wholesale": "head",
    "retail": "head_retail",
    "regional": "head_regional",
    "call_center": "head_calls",
    "finance": "finance",
}
# Who stands in for a head who is away (III.11, III.14: a question or a notice for the head of
# wholesale reaches Nikolay while Sergey is out).
DEPARTMENT_DEPUTIES = {"wholesale": "deputy_wholesale"}


def full_name_of(username: str, latin: str, locale: str) -> str:
    return RU_FULL_NAMES[username] if check_locale(locale) == "ru" else latin


def ensure_demo_staff(*, locale: str = DEFAULT_LOCALE) -> list[tuple[str, str, str]]:
    """Create (or leave as they are) the demo staff and make each department's head. Idempotent."""
    departments = {d.code: d for d in Department.objects.all()}
    password = make_password(DEMO_PASSWORD)  # hashed once: PBKDF2 is slow on purpose
    for username, full_name, role, department, key_account in DEMO_LOGINS + OTHER_STAFF:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "full_name": full_name_of(username, full_name, locale),
                "email": f"{username}@calldesk.example",
                "department": departments.get(department) if department else None,
                "key_account": key_account,
                "password": password,
                "presence": AWAY_AT_START.get(username, User.Presence.AVAILABLE),
            },
        )
        if created:
            set_role(user=user, role=role)
    for code, username in DEPARTMENT_HEADS.items():
        Department.objects.filter(code=code, head__isnull=True).update(
            head=User.objects.get(username=username)
        )
    for code, username in DEPARTMENT_DEPUTIES.items():
        Department.objects.filter(code=code, deputy__isnull=True).update(
            deputy=User.objects.get(username=username)
        )
    return [
        (username, str(role.value), full_name_of(username, full_name, locale))
        for username, full_name, role, *_ in DEMO_LOGINS
    ]


def staff_by_username() -> dict[str, User]:
    """The demo staff, by username (made by `ensure_demo_staff`)."""
    usernames = [row[0] for row in DEMO_LOGINS + OTHER_STAFF]
    return {u.username: u for u in User.objects.filter(username__in=usernames)}
