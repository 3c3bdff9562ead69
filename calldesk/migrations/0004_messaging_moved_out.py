"""The outbox, inbox and heartbeat now belong to `messaging` (its 0001 took them over)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('calldesk', '0003_alter_outboxmessage_kind'),
        ('messaging', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='inboxmessage',
                    name='outbox',
                ),
                migrations.RemoveField(
                    model_name='inboxmessage',
                    name='recipient',
                ),
                migrations.RemoveField(
                    model_name='outboxmessage',
                    name='recipient',
                ),
                migrations.DeleteModel(
                    name='WorkerHeartbeat',
                ),
                migrations.DeleteModel(
                    name='InboxMessage',
                ),
                migrations.DeleteModel(
                    name='OutboxMessage',
                ),
            ],
            database_operations=[],
        ),
    ]
