"""The client's e-mail, and whether the order form of every confirmed order goes there (DOMAIN.md,
"Around the job": an order form records the client, the address, what was agreed and the date)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('clients', '0010_client_terms'),
    ]

    operations = [
        migrations.AddField(
            model_name='client',
            name='email',
            field=models.EmailField(blank=True, help_text="Where the client's order forms and documents go.", max_length=254, verbose_name='e-mail'),
        ),
        migrations.AddField(
            model_name='client',
            name='order_form_by_email',
            field=models.BooleanField(default=False, help_text='Send the client the order form of every confirmed order (DOMAIN.md, “Around the job”).', verbose_name='order form by e-mail'),
        ),
    ]
