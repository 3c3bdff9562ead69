"""The tables take the app's name (staff_user, ...; the many-to-many tables of the user follow) and
the content types move, with the permissions the roles hold. After every app's migrations of the
day the user lived in `clients`, since those still name the old tables."""

from django.db import migrations

from calldesk.model_moves import move_content_types


class Migration(migrations.Migration):
    dependencies = [
        ("staff", "0001_initial"),
        ("clients", "0006_trigram_search"),
        ("calls", "0003_taskattempt"),
        ("orders", "0009_audit_trail"),
        ("reports", "0001_initial"),
        ("calldesk", "0003_alter_outboxmessage_kind"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterModelTable(name="user", table=None),
        migrations.AlterModelTable(name="department", table=None),
        migrations.AlterModelTable(name="apitoken", table=None),
        move_content_types(old_app="clients", new_app="staff", models=["user", "department", "apitoken"]),
    ]
