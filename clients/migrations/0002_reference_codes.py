"""Seed the reference codes of API.md: role groups, departments and client types.

Rows are created if missing and never overwritten, so names edited in admin survive.
"""

from django.db import migrations

ROLES = ["operator", "manager", "head", "finance", "commercial", "admin"]

DEPARTMENTS = [
    ("wholesale", "Wholesale sales"),
    ("retail", "Retail sales"),
    ("regional", "Regional sales"),
    ("finance", "Finance"),
    ("call_center", "Call center (sales support)"),
]

# code, name, department, operator_takes_orders, watch_dormancy, regional_terms, position
CLIENT_TYPES = [
    ("market", "Market", "wholesale", True, True, False, 10),
    ("key", "Key client", "wholesale", False, False, False, 20),
    ("own_outlet", "Own outlet", "retail", True, False, False, 30),
    ("retail", "Retail", "retail", True, False, False, 40),
    ("regional", "Regional", "regional", True, False, True, 50),
]


def seed(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Department = apps.get_model("clients", "Department")
    ClientType = apps.get_model("clients", "ClientType")
    for role in ROLES:
        Group.objects.get_or_create(name=role)
    for code, name in DEPARTMENTS:
        Department.objects.get_or_create(code=code, defaults={"name": name})
    for code, name, department, takes, dormancy, regional, position in CLIENT_TYPES:
        ClientType.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "department": Department.objects.get(code=department),
                "operator_takes_orders": takes,
                "watch_dormancy": dormancy,
                "regional_terms": regional,
                "position": position,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("clients", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
