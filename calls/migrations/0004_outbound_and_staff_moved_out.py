"""Campaigns, call lists and call tasks now belong to `outbound`, and staff and departments to
`staff`: Django's state follows; the tables and their foreign keys stay as they are."""
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('calls', '0003_taskattempt'),
        ('staff', '0001_initial'),
        ('outbound', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='calllist',
                    name='campaign',
                ),
                migrations.RemoveField(
                    model_name='calltask',
                    name='call_list',
                ),
                migrations.RemoveField(
                    model_name='calltask',
                    name='call',
                ),
                migrations.RemoveField(
                    model_name='calltask',
                    name='client',
                ),
                migrations.RemoveField(
                    model_name='calltask',
                    name='operator',
                ),
                migrations.RemoveField(
                    model_name='taskattempt',
                    name='task',
                ),
                migrations.RemoveField(
                    model_name='campaign',
                    name='created_by',
                ),
                migrations.RemoveField(
                    model_name='campaign',
                    name='department',
                ),
                migrations.RemoveField(
                    model_name='taskattempt',
                    name='client',
                ),
                migrations.RemoveField(
                    model_name='taskattempt',
                    name='operator',
                ),
                migrations.AlterField(
                    model_name='call',
                    name='operator',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='calls', to=settings.AUTH_USER_MODEL, verbose_name='operator'),
                ),
                migrations.AlterField(
                    model_name='call',
                    name='transferred_to',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='calls_received', to=settings.AUTH_USER_MODEL, verbose_name='transferred to'),
                ),
                migrations.AlterField(
                    model_name='callback',
                    name='created_by',
                    field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by'),
                ),
                migrations.AlterField(
                    model_name='callback',
                    name='taken_by',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='taken by'),
                ),
                migrations.AlterField(
                    model_name='consultation',
                    name='answered_by',
                    field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='answered by'),
                ),
                migrations.AlterField(
                    model_name='consultation',
                    name='asked_by',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='asked by'),
                ),
                migrations.AlterField(
                    model_name='consultation',
                    name='department',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='staff.department', verbose_name='department'),
                ),
                migrations.AlterField(
                    model_name='consultation',
                    name='head',
                    field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='head'),
                ),
                migrations.AlterField(
                    model_name='feedback',
                    name='recorded_by',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='recorded by'),
                ),
                migrations.AlterField(
                    model_name='feedbackroute',
                    name='department',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='feedback', to='staff.department', verbose_name='department'),
                ),
                migrations.AlterField(
                    model_name='feedbackroute',
                    name='updated_by',
                    field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='updated by'),
                ),
                migrations.AlterField(
                    model_name='referencerequest',
                    name='requested_by',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='requested by'),
                ),
                migrations.DeleteModel(
                    name='CallList',
                ),
                migrations.DeleteModel(
                    name='CallTask',
                ),
                migrations.DeleteModel(
                    name='Campaign',
                ),
                migrations.DeleteModel(
                    name='TaskAttempt',
                ),
            ],
            database_operations=[],
        ),
    ]
