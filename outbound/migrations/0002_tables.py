"""The tables take the app's name and the content types move, with their permissions."""

from django.db import migrations

from calldesk.model_moves import move_content_types


class Migration(migrations.Migration):
    dependencies = [
        ("outbound", "0001_initial"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterModelTable(name="campaign", table=None),
        migrations.AlterModelTable(name="calllist", table=None),
        migrations.AlterModelTable(name="calltask", table=None),
        migrations.AlterModelTable(name="taskattempt", table=None),
        move_content_types(old_app="calls", new_app="outbound", models=["campaign", "calllist", "calltask", "taskattempt"]),
    ]
