"""The client's search text (calldesk.search, III.1): the name and tax id folded once, in Python,
so that every alphabet's case, ё and quotes read alike on SQLite and PostgreSQL. Existing rows are
filled here.

On PostgreSQL two indexes serve the desk's search, the first twenty by name among the clients
whose text holds every word (the search budget in bench/README.md): a trigram index over the
column finds the few clients of a rare word (`search_text LIKE '%word%'`), and the names in
order, with the search text beside each (`INCLUDE`), let a common word's first twenty be read from
the index alone, without sorting its thousands of matches. The index on UPPER(name), which no
search reads any more, goes."""

from django.db import migrations, models

from calldesk.search import normalise

BATCH = 2000


def fill(apps, schema_editor):
    Client = apps.get_model("clients", "Client")
    rows = Client.objects.order_by("pk").values_list("pk", "name", "tax_id")
    last = 0
    with schema_editor.connection.cursor() as cursor:
        while batch := list(rows.filter(pk__gt=last)[:BATCH]):
            cursor.executemany(
                "UPDATE clients_client SET search_text = %s WHERE id = %s",
                [(normalise(name, tax_id), pk) for pk, name, tax_id in batch],
            )
            last = batch[-1][0]


def index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute("DROP INDEX IF EXISTS client_name_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS client_search_trgm ON clients_client USING gin (search_text gin_trgm_ops)"
    )
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS client_name_search ON clients_client (name, id) INCLUDE (search_text)"
    )


def unindex(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS client_search_trgm")
    schema_editor.execute("DROP INDEX IF EXISTS client_name_search")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS client_name_trgm ON clients_client USING gin (UPPER(name) gin_trgm_ops)"
    )


class Migration(migrations.Migration):
    dependencies = [("clients", "0008_client_language")]

    operations = [
        migrations.AddField(
            model_name="client",
            name="search_text",
            field=models.TextField(blank=True, default="", editable=False, verbose_name="search text"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(index, unindex),
    ]
