"""The reasons a client declines an offered item (III.7), kept in admin: a short pick-list seeded
here in English, Russian and Romanian; the operator may still write any reason in words."""

import django.db.models.deletion
from django.db import migrations, models

REASONS = [
    ("has_stock", "Already has stock", "Товар ещё есть на складе", "Are încă stoc"),
    ("price_too_high", "Price too high", "Слишком дорого", "Prețul este prea mare"),
    ("not_this_time", "Not this time", "Не в этот раз", "Nu de data aceasta"),
    ("no_shelf_space", "No shelf space", "Нет места на полке", "Nu are loc pe raft"),
    ("no_demand", "Their customers do not ask for it", "Покупатели не спрашивают", "Clienții lor nu îl cer"),
    ("buys_elsewhere", "Buys it elsewhere", "Покупает у другого поставщика", "Îl cumpără de la alt furnizor"),
]


def seed(apps, schema_editor):
    DeclineReason = apps.get_model("orders", "DeclineReason")
    for position, (code, name, name_ru, name_ro) in enumerate(REASONS, start=1):
        DeclineReason.objects.update_or_create(
            code=code, defaults={"name": name, "name_ru": name_ru, "name_ro": name_ro, "position": position}
        )


def unseed(apps, schema_editor):
    apps.get_model("orders", "DeclineReason").objects.filter(code__in=[row[0] for row in REASONS]).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('orders', '0014_cancel_reason_codes'),
    ]

    operations = [
        migrations.CreateModel(
            name='DeclineReason',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.SlugField(max_length=32, unique=True, verbose_name='code')),
                ('name', models.CharField(max_length=100, verbose_name='name (English)')),
                ('name_ru', models.CharField(blank=True, max_length=100, verbose_name='name (Russian)')),
                ('name_ro', models.CharField(blank=True, max_length=100, verbose_name='name (Romanian)')),
                ('position', models.PositiveSmallIntegerField(default=0, verbose_name='position')),
                ('active', models.BooleanField(default=True, verbose_name='active')),
            ],
            options={
                'verbose_name': 'reason an offer is declined',
                'verbose_name_plural': 'reasons offers are declined',
                'ordering': ['position', 'code'],
            },
        ),
        migrations.AddField(
            model_name='offer',
            name='decline_reason',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='orders.declinereason', verbose_name='reason from the list'),
        ),
        migrations.RunPython(seed, unseed),
    ]
