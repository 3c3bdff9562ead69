"""The product's search text (calldesk.search, II.2, III.18): the SKU and name folded once, in
Python, so that case, ё, punctuation and SKU digits read alike on SQLite and PostgreSQL. Existing
rows are filled here; on PostgreSQL one trigram index over the column serves every word."""

from django.db import migrations, models

from calldesk.search import normalise


def fill(apps, schema_editor):
    Product = apps.get_model("orders", "Product")
    rows = [(normalise(sku, name), pk) for pk, sku, name in Product.objects.values_list("pk", "sku", "name")]
    if rows:
        with schema_editor.connection.cursor() as cursor:
            cursor.executemany("UPDATE orders_product SET search_text = %s WHERE id = %s", rows)


def index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS product_search_trgm ON orders_product USING gin (search_text gin_trgm_ops)"
    )


def unindex(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS product_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("orders", "0010_staff_moved_out")]

    operations = [
        migrations.AddField(
            model_name="product",
            name="search_text",
            field=models.TextField(blank=True, default="", editable=False, verbose_name="search text"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(index, unindex),
    ]
