"""Staff and departments now belong to `staff`: the foreign keys follow in Django's state; the tables
stay as they are."""
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0001_initial'),
        ('staff', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='departmenttarget',
                    name='department',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='targets', to='staff.department', verbose_name='department'),
                ),
                migrations.AlterField(
                    model_name='departmenttarget',
                    name='updated_by',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='updated by'),
                ),
                migrations.AlterField(
                    model_name='exportjob',
                    name='requested_by',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='requested by'),
                ),
                migrations.AlterField(
                    model_name='operatorday',
                    name='department',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='staff.department', verbose_name="operator's department"),
                ),
                migrations.AlterField(
                    model_name='operatorday',
                    name='operator',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='report_days', to=settings.AUTH_USER_MODEL, verbose_name='operator'),
                ),
                migrations.AlterField(
                    model_name='salesday',
                    name='department',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='staff.department', verbose_name='department'),
                ),
                migrations.AlterField(
                    model_name='salesday',
                    name='manager',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name="client's manager"),
                ),
                migrations.AlterField(
                    model_name='salesday',
                    name='operator',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='taken by'),
                ),
            ],
            database_operations=[],
        ),
    ]
