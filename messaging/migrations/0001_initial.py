"""The outbox, the inbox and the workers' heartbeat move here from `calldesk`, rows untouched: this
step takes the models over in Django's state only, still on their old tables (0002 renames them)."""
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ('calldesk', '0003_alter_outboxmessage_kind'),
        ('staff', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='InboxMessage',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('subject', models.CharField(max_length=200, verbose_name='subject')),
                        ('body', models.TextField(verbose_name='body')),
                        ('link', models.CharField(blank=True, max_length=200, verbose_name='link')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('read_at', models.DateTimeField(blank=True, null=True, verbose_name='read at')),
                    ],
                    options={
                        'db_table': 'calldesk_inboxmessage',
                        'verbose_name': 'inbox message',
                        'verbose_name_plural': 'inbox messages',
                        'ordering': ['-created_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='OutboxMessage',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('order_confirmed', 'Order confirmed'), ('call_transferred', 'Call transferred'), ('consultation', 'Consultation with a head'), ('feedback', "Client's comment")], max_length=32, verbose_name='kind')),
                        ('subject', models.CharField(max_length=200, verbose_name='subject')),
                        ('body', models.TextField(verbose_name='body')),
                        ('link', models.CharField(blank=True, max_length=200, verbose_name='link')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('delivered_at', models.DateTimeField(blank=True, null=True, verbose_name='delivered at')),
                        ('attempts', models.PositiveSmallIntegerField(default=0, verbose_name='attempts')),
                        ('last_error', models.CharField(blank=True, max_length=500, verbose_name='last error')),
                    ],
                    options={
                        'db_table': 'calldesk_outboxmessage',
                        'verbose_name': 'outbox message',
                        'verbose_name_plural': 'outbox messages',
                        'ordering': ['created_at', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='WorkerHeartbeat',
                    fields=[
                        ('worker', models.CharField(max_length=200, primary_key=True, serialize=False, verbose_name='worker')),
                        ('seen_at', models.DateTimeField(verbose_name='seen at')),
                    ],
                    options={
                        'db_table': 'calldesk_workerheartbeat',
                        'verbose_name': 'worker heartbeat',
                        'verbose_name_plural': 'worker heartbeats',
                    },
                ),
                migrations.AddField(
                    model_name='inboxmessage',
                    name='recipient',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='inbox', to=settings.AUTH_USER_MODEL, verbose_name='recipient'),
                ),
                migrations.AddField(
                    model_name='outboxmessage',
                    name='recipient',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='recipient'),
                ),
                migrations.AddField(
                    model_name='inboxmessage',
                    name='outbox',
                    field=models.OneToOneField(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='inbox', to='messaging.outboxmessage', verbose_name='outbox message'),
                ),
                migrations.AddIndex(
                    model_name='outboxmessage',
                    index=models.Index(condition=models.Q(('delivered_at__isnull', True)), fields=['created_at'], name='outbox_undelivered'),
                ),
                migrations.AddIndex(
                    model_name='inboxmessage',
                    index=models.Index(fields=['recipient', '-created_at'], name='inbox_recipient_recent'),
                ),
            ],
            database_operations=[],
        ),
    ]
