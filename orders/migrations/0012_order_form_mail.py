"""The order form e-mailed to the client on confirmation, kept until it is sent (orders.order_form)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('orders', '0011_product_search_text'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='OrderFormMail',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('email', models.EmailField(max_length=254, verbose_name='e-mail')),
                ('requested_at', models.DateTimeField(auto_now_add=True, verbose_name='requested at')),
                ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='sent at')),
                ('attempts', models.PositiveSmallIntegerField(default=0, verbose_name='attempts')),
                ('last_error', models.CharField(blank=True, max_length=500, verbose_name='last error')),
                ('order', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='form_mail', to='orders.order', verbose_name='order')),
                ('requested_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='requested by')),
            ],
            options={
                'verbose_name': 'order form e-mail',
                'verbose_name_plural': 'order form e-mails',
                'ordering': ['-requested_at', '-id'],
                'indexes': [models.Index(condition=models.Q(('sent_at__isnull', True)), fields=['requested_at'], name='orderform_unsent')],
            },
        ),
    ]
