"""The production calendar seeded for this year and the next from the `holidays` package's
calendar of Russia (III.12): public holidays, days off moved onto weekdays, Saturdays worked.
Later years: `manage.py seed_calendar --years ...` (make run seeds the coming year too)."""

from django.db import migrations
from django.utils import timezone


def seed(apps, schema_editor):
    from warehouse.calendar import seed_calendar

    year = timezone.localdate().year
    seed_calendar([year, year + 1], model=apps.get_model("warehouse", "CalendarDay"))


class Migration(migrations.Migration):
    dependencies = [("warehouse", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
