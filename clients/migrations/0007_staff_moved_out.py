"""Staff, departments and API tokens now belong to `staff` (its 0001 took them over): Django's state
forgets them here once every app's foreign keys point to `staff`."""
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('clients', '0006_trigram_search'),
        ('staff', '0001_initial'),
        ('calls', '0004_outbound_and_staff_moved_out'),
        ('orders', '0010_staff_moved_out'),
        ('reports', '0002_staff_moved_out'),
        ('calldesk', '0004_messaging_moved_out'),
        ('outbound', '0001_initial'),
        ('messaging', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='apitoken',
                    name='user',
                ),
                migrations.RemoveField(
                    model_name='department',
                    name='head',
                ),
                migrations.AlterField(
                    model_name='client',
                    name='department',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='clients', to='staff.department', verbose_name='department'),
                ),
                migrations.RemoveField(
                    model_name='user',
                    name='department',
                ),
                migrations.AlterField(
                    model_name='clienttype',
                    name='department',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='client_types', to='staff.department', verbose_name='department'),
                ),
                migrations.RemoveField(
                    model_name='user',
                    name='groups',
                ),
                migrations.RemoveField(
                    model_name='user',
                    name='user_permissions',
                ),
                migrations.AlterField(
                    model_name='clientchange',
                    name='changed_by',
                    field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='changed by'),
                ),
                migrations.AlterField(
                    model_name='client',
                    name='manager',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='managed_clients', to=settings.AUTH_USER_MODEL, verbose_name='manager'),
                ),
                migrations.DeleteModel(
                    name='ApiToken',
                ),
                migrations.DeleteModel(
                    name='Department',
                ),
                migrations.DeleteModel(
                    name='User',
                ),
            ],
            database_operations=[],
        ),
    ]
