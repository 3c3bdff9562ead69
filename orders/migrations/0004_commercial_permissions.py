"""Commercial management keeps the price list, discount rules and specials in admin (III.10, III.23)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

COMMERCIAL = {
    "product": ["view", "add", "change"],
    "price": ["view", "add", "change", "delete"],
    "pricecolumn": ["view"],
    "pricechange": ["view"],
    "productcertificate": ["view", "add", "change", "delete"],
    "discountrule": ["view", "add", "change", "delete"],
    "special": ["view", "add", "change", "delete"],
}


def codenames() -> list[str]:
    return [f"{action}_{model}" for model, actions in COMMERCIAL.items() for action in actions]


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    commercial, _ = Group.objects.get_or_create(name="commercial")
    commercial.permissions.add(*Permission.objects.filter(content_type__app_label="orders", codename__in=codenames()))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    commercial = Group.objects.filter(name="commercial").first()
    if commercial:
        commercial.permissions.remove(*Permission.objects.filter(content_type__app_label="orders", codename__in=codenames()))


class Migration(migrations.Migration):
    dependencies = [("orders", "0003_pricing_offers_terms"), ("contenttypes", "0002_remove_content_type_name")]

    operations = [migrations.RunPython(grant, revoke)]
