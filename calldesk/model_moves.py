"""Carrying models forward when they move from one app to another.

Models keep their rows when they move: the new app's first migration takes them over in Django's
state only (`SeparateDatabaseAndState`), a second renames their tables, and these helpers carry
what refers to a model by its app label: content types, and through them permissions (which the
roles' groups and single users hold) and admin log entries.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.recorder import MigrationRecorder


def move_content_types(*, old_app: str, new_app: str, models: Iterable[str]) -> migrations.RunPython:
    """The RunPython operation that gives the moved models' content types to `new_app`.

    When the new app's content type exists already (permissions are created for every app of the
    historical state by the migrations that grant them, so a fresh database may have both), the old
    one's permissions are merged into the new one's, with every group and user that held them, and
    the old content type goes; nothing that was granted is lost either way.
    """

    def forwards(apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
        ContentType = apps.get_model("contenttypes", "ContentType")
        Permission = apps.get_model("auth", "Permission")
        LogEntry = apps.get_model("admin", "LogEntry")
        GroupPermission = apps.get_model("auth", "Group").permissions.through
        UserPermission = apps.get_model("staff", "User").user_permissions.through
        db = schema_editor.connection.alias
        for model in models:
            old = ContentType.objects.using(db).filter(app_label=old_app, model=model).first()
            if old is None:
                continue
            new = ContentType.objects.using(db).filter(app_label=new_app, model=model).first()
            if new is None:
                old.app_label = new_app
                old.save(update_fields=["app_label"])
                continue
            for permission in Permission.objects.using(db).filter(content_type=old):
                twin = (
                    Permission.objects.using(db)
                    .filter(content_type=new, codename=permission.codename)
                    .first()
                )
                if twin is None:
                    permission.content_type = new
                    permission.save(update_fields=["content_type"])
                    continue
                for through, owner in ((GroupPermission, "group_id"), (UserPermission, "user_id")):
                    holders = through.objects.using(db).filter(permission_id=permission.pk)
                    has_twin = through.objects.using(db).filter(permission_id=twin.pk).values(owner)
                    holders.exclude(**{f"{owner}__in": has_twin}).update(permission_id=twin.pk)
                permission.delete()
            LogEntry.objects.using(db).filter(content_type=old).update(content_type=new)
            old.delete()

    def backwards(apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
        ContentType = apps.get_model("contenttypes", "ContentType")
        db = schema_editor.connection.alias
        ContentType.objects.using(db).filter(app_label=new_app, model__in=list(models)).update(
            app_label=old_app
        )

    models = list(models)
    return migrations.RunPython(forwards, backwards)


# The first migration of `staff` only takes the user model over in Django's state (no table
# changes), but Django's own apps (admin's log entry) depend on whichever app holds the user model.
# A database that was migrated while the user lived in `clients` has those applied, so Django would
# refuse it as inconsistent before running anything: `migrate` records that state-only step as
# applied first, which is exactly what running it would do.
STATE_ONLY_TAKEOVERS = [(("staff", "0001_initial"), ("clients", "0001_initial"))]


def record_state_only_takeovers(connection: Any) -> list[tuple[str, str]]:
    """Mark each state-only takeover applied where what it takes over is; returns those marked."""
    recorder = MigrationRecorder(connection)
    if not recorder.has_table():
        return []
    applied = recorder.applied_migrations()
    marked = []
    for takeover, taken_from in STATE_ONLY_TAKEOVERS:
        if taken_from in applied and takeover not in applied:
            recorder.record_applied(*takeover)
            marked.append(takeover)
    return marked
