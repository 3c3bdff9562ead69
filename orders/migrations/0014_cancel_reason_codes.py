"""Cancellation reasons become codes (section VI: only the operator's own mistakes count as the
operator's errors). The free text stays beside the code as a note. Existing cancelled orders get
the code their text names (in English or Russian, as the desk's users wrote it); any other text
becomes "other" and is kept as the note."""

from django.db import migrations, models

# Words a reason's text holds, lower case, for each code; the first code whose word is found wins.
KNOWN = [
    ("duplicate", ("duplicate", "twice", "дубл", "повтор", "dublur")),
    ("out_of_stock", ("out of stock", "no stock", "stock", "нет в наличии", "нет на складе", "остат", "stoc")),
    ("wrong_quantity", ("wrong quantity", "quantity", "количеств", "cantitate")),
    ("wrong_product", ("wrong product", "wrong item", "не тот товар", "не тот артикул")),
    ("wrong_terms", ("wrong date", "wrong address", "не та дата", "не тот адрес")),
    ("price_error", ("price", "цен", "preț", "pret")),
    (
        "client_refused",
        ("refus", "changed their mind", "changed his mind", "changed her mind", "client closed",
         "отказ", "передумал", "refuz", "răzgândit"),
    ),
]  # fmt: skip


def code_for(text: str) -> str:
    """The code a cancellation's free text names, else "other"."""
    folded = text.lower()
    for code, words in KNOWN:
        if any(word in folded for word in words):
            return code
    return "other"


def to_codes(apps, schema_editor):
    Order = apps.get_model("orders", "Order")
    rows = Order.objects.filter(status="cancelled", cancel_code="").values_list("pk", "cancel_reason")
    by_code: dict[str, list[int]] = {}
    for pk, text in rows.iterator(chunk_size=2000):
        by_code.setdefault(code_for(text or ""), []).append(pk)
    for code, ids in by_code.items():
        for start in range(0, len(ids), 500):
            Order.objects.filter(pk__in=ids[start : start + 500]).update(cancel_code=code)


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0013_order_warehouse"),
    ]

    operations = [
        migrations.AddField(
            model_name="order",
            name="cancel_code",
            field=models.CharField(
                blank=True,
                choices=[
                    ("out_of_stock", "Out of stock"),
                    ("client_refused", "The client refused"),
                    ("price_error", "Price error in the price list"),
                    ("wrong_quantity", "Wrong quantity taken"),
                    ("wrong_product", "Wrong product taken"),
                    ("wrong_terms", "Wrong delivery terms taken"),
                    ("duplicate", "Duplicate order"),
                    ("other", "Other"),
                ],
                max_length=20,
                verbose_name="cancellation reason",
            ),
        ),
        migrations.AlterField(
            model_name="order",
            name="cancel_reason",
            field=models.CharField(blank=True, max_length=300, verbose_name="cancellation note"),
        ),
        migrations.RunPython(to_codes, migrations.RunPython.noop),
    ]
