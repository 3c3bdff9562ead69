"""Client search as the operator types (the search budget in bench/README.md): on PostgreSQL, trigram indexes serve
`name ILIKE '%term%'` (Django's icontains is UPPER(name) LIKE UPPER(term)), a phone's ending and
a tax id's start, so a search stays fast at 100,000 clients. SQLite (the embedded default) has no
such index and needs none at demo size."""

from django.db import migrations

INDEXES = [
    "CREATE INDEX IF NOT EXISTS client_name_trgm ON clients_client USING gin (UPPER(name) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS clientphone_number_trgm ON clients_clientphone USING gin (number gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS client_tax_id_prefix ON clients_client (tax_id varchar_pattern_ops)",
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for sql in INDEXES:
        schema_editor.execute(sql)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in ("client_name_trgm", "clientphone_number_trgm", "client_tax_id_prefix"):
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("clients", "0005_last_order_on")]

    operations = [migrations.RunPython(create, drop)]
