"""Campaigns, call lists, call tasks and their attempts move here from `calls`, rows untouched: this
step takes the models over in Django's state only, still on their old tables (0002 renames them)."""
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ('calls', '0003_taskattempt'),
        ('clients', '0006_trigram_search'),
        ('staff', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='CallList',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('source', models.CharField(choices=[('dormant', 'Dormant clients'), ('campaign', 'Campaign')], max_length=10, verbose_name='source')),
                        ('day', models.DateField(verbose_name='day')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                    ],
                    options={
                        'db_table': 'calls_calllist',
                        'verbose_name': 'call list',
                        'verbose_name_plural': 'call lists',
                        'ordering': ['-day', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='Campaign',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=150, verbose_name='name')),
                        ('goal', models.CharField(max_length=300, verbose_name='goal')),
                        ('script', models.TextField(help_text='What the operator reads out.', verbose_name='script')),
                        ('questions', models.JSONField(blank=True, default=list, help_text='A survey: one text a question.', verbose_name='questions')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('due_on', models.DateField(verbose_name='due on')),
                        ('status', models.CharField(choices=[('running', 'Running'), ('closed', 'Closed')], default='running', max_length=10, verbose_name='status')),
                        ('target', models.JSONField(blank=True, default=dict, help_text='client_types, regions, managers, dormant, declined_earlier', verbose_name='target')),
                    ],
                    options={
                        'db_table': 'calls_campaign',
                        'verbose_name': 'campaign',
                        'verbose_name_plural': 'campaigns',
                        'ordering': ['-created_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='TaskAttempt',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('reason', models.CharField(choices=[('dormant', 'No order since the last order date'), ('never_ordered', 'Never ordered since joining'), ('campaign', 'Campaign')], max_length=16, verbose_name='why on the list')),
                        ('outcome', models.CharField(choices=[('agreed', 'Agreed / ordered'), ('refused', 'Refused'), ('informed', 'Informed'), ('no_answer', 'No answer'), ('callback', 'Call back later')], max_length=10, verbose_name='outcome')),
                        ('at', models.DateTimeField(verbose_name='recorded at')),
                    ],
                    options={
                        'db_table': 'calls_taskattempt',
                        'verbose_name': 'call task attempt',
                        'verbose_name_plural': 'call task attempts',
                        'ordering': ['at', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='CallTask',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('reason', models.CharField(choices=[('dormant', 'No order since the last order date'), ('never_ordered', 'Never ordered since joining'), ('campaign', 'Campaign')], max_length=16, verbose_name='why on the list')),
                        ('last_order_on', models.DateField(blank=True, null=True, verbose_name='last order on')),
                        ('status', models.CharField(choices=[('open', 'Open'), ('done', 'Done'), ('no_answer', 'No answer'), ('callback', 'Callback at a time')], default='open', max_length=10, verbose_name='status')),
                        ('outcome', models.CharField(blank=True, choices=[('agreed', 'Agreed / ordered'), ('refused', 'Refused'), ('informed', 'Informed'), ('no_answer', 'No answer'), ('callback', 'Call back later')], max_length=10, verbose_name='outcome')),
                        ('refusal_reason', models.CharField(blank=True, max_length=300, verbose_name='refusal reason')),
                        ('answers', models.JSONField(blank=True, default=dict, verbose_name='answers')),
                        ('callback_at', models.DateTimeField(blank=True, null=True, verbose_name='call back at')),
                        ('attempts', models.PositiveSmallIntegerField(default=0, verbose_name='attempts')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('call', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='calls.call', verbose_name='call')),
                        ('call_list', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='tasks', to='outbound.calllist', verbose_name='list')),
                        ('client', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='call_tasks', to='clients.client', verbose_name='client')),
                    ],
                    options={
                        'db_table': 'calls_calltask',
                        'verbose_name': 'call task',
                        'verbose_name_plural': 'call tasks',
                        'ordering': ['call_list', 'id'],
                    },
                ),
                migrations.AddField(
                    model_name='calltask',
                    name='operator',
                    field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='call_tasks', to=settings.AUTH_USER_MODEL, verbose_name='operator'),
                ),
                migrations.AddField(
                    model_name='campaign',
                    name='created_by',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by'),
                ),
                migrations.AddField(
                    model_name='campaign',
                    name='department',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='staff.department', verbose_name='department'),
                ),
                migrations.AddField(
                    model_name='calllist',
                    name='campaign',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='lists', to='outbound.campaign', verbose_name='campaign'),
                ),
                migrations.AddField(
                    model_name='taskattempt',
                    name='client',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='clients.client', verbose_name='client'),
                ),
                migrations.AddField(
                    model_name='taskattempt',
                    name='operator',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='operator'),
                ),
                migrations.AddField(
                    model_name='taskattempt',
                    name='task',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='tries', to='outbound.calltask', verbose_name='task'),
                ),
                migrations.AddIndex(
                    model_name='calltask',
                    index=models.Index(fields=['operator', 'status'], name='calltask_queue'),
                ),
                migrations.AddIndex(
                    model_name='calltask',
                    index=models.Index(condition=models.Q(('status', 'done'), _negated=True), fields=['client'], name='calltask_open_client'),
                ),
                migrations.AddConstraint(
                    model_name='calltask',
                    constraint=models.UniqueConstraint(fields=('call_list', 'client'), name='calltask_once_a_list'),
                ),
                migrations.AddConstraint(
                    model_name='calllist',
                    constraint=models.UniqueConstraint(condition=models.Q(('source', 'dormant')), fields=('source', 'day'), name='calllist_one_dormant_list_a_day'),
                ),
                migrations.AddConstraint(
                    model_name='calllist',
                    constraint=models.UniqueConstraint(condition=models.Q(('source', 'campaign')), fields=('campaign',), name='calllist_one_list_a_campaign'),
                ),
                migrations.AddIndex(
                    model_name='taskattempt',
                    index=models.Index(fields=['at'], name='taskattempt_at'),
                ),
                migrations.AddIndex(
                    model_name='taskattempt',
                    index=models.Index(fields=['client', 'at'], name='taskattempt_client'),
                ),
            ],
            database_operations=[],
        ),
    ]
