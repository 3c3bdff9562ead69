"""The tables take the app's name and the content types move, with their permissions."""

from django.db import migrations

from calldesk.model_moves import move_content_types


class Migration(migrations.Migration):
    dependencies = [
        ("messaging", "0001_initial"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterModelTable(name="workerheartbeat", table=None),
        migrations.AlterModelTable(name="outboxmessage", table=None),
        migrations.AlterModelTable(name="inboxmessage", table=None),
        move_content_types(old_app="calldesk", new_app="messaging", models=["workerheartbeat", "outboxmessage", "inboxmessage"]),
    ]
