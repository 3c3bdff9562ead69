from django.contrib import admin


class NoWrites:
    """Shown in admin, never added, changed or deleted there, not even by a superuser."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyAdmin(NoWrites, admin.ModelAdmin):
    """For what only the desk's services write (the call register, report rows, the histories
    of changes, III.14, III.26)."""


class ReadOnlyInline(NoWrites, admin.TabularInline):
    """The same, as rows under the object they belong to (an order's lines, its history)."""

    extra = 0
    can_delete = False
