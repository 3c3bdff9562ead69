"""Finance works in Django admin on receivables (import) and credit limits (III.5, III.6)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

FINANCE_PERMISSIONS = ["view_client", "change_client", "view_receivable", "view_clientchange"]


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; create them now to grant them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    finance, _ = Group.objects.get_or_create(name="finance")
    finance.permissions.add(*Permission.objects.filter(content_type__app_label="clients", codename__in=FINANCE_PERMISSIONS))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    finance = Group.objects.filter(name="finance").first()
    if finance:
        finance.permissions.remove(*Permission.objects.filter(content_type__app_label="clients", codename__in=FINANCE_PERMISSIONS))


class Migration(migrations.Migration):
    dependencies = [("clients", "0003_contacts_changes"), ("contenttypes", "0002_remove_content_type_name")]

    operations = [migrations.RunPython(grant, revoke)]
