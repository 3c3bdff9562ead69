"""Seed the price columns: `base` plus three discount columns (API.md, "Catalog and prices")."""

from django.db import migrations

COLUMNS = [
    ("base", "Base", 1),
    ("column_2", "Column 2", 2),
    ("column_3", "Column 3", 3),
    ("column_4", "Column 4", 4),
]


def seed(apps, schema_editor):
    PriceColumn = apps.get_model("orders", "PriceColumn")
    for code, name, position in COLUMNS:
        if not PriceColumn.objects.filter(code=code).exists():
            PriceColumn.objects.create(code=code, name=name, position=position)


class Migration(migrations.Migration):
    dependencies = [("orders", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
