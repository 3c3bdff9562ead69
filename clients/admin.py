from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from clients.admin_receivables import ReceivableImportMixin
from clients.models import ApiToken, Client, ClientPhone, ClientType, Department, Receivable, User
from clients.services import revoke_api_token


@admin.register(User)
class StaffAdmin(UserAdmin):
    list_display = ["username", "full_name", "department", "key_account", "presence", "is_active"]
    list_filter = ["groups", "department", "key_account", "presence", "is_active"]
    search_fields = ["username", "full_name", "email"]
    fieldsets = [
        *UserAdmin.fieldsets,
        (_("Desk"), {"fields": ["full_name", "department", "key_account", "presence"]}),
    ]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "head"]
    list_select_related = ["head"]


@admin.register(ClientType)
class ClientTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "department", "operator_takes_orders", "watch_dormancy", "regional_terms"]
    list_select_related = ["department"]


class PhoneInline(admin.TabularInline):
    model = ClientPhone
    extra = 0


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):
    list_display = ["name", "tax_id", "type", "department", "manager", "credit_limit"]
    list_filter = ["type", "department"]
    list_select_related = ["type", "department", "manager"]
    search_fields = ["name", "tax_id", "phones__number"]
    autocomplete_fields = ["manager"]
    inlines = [PhoneInline]


@admin.register(Receivable)
class ReceivableAdmin(ReceivableImportMixin, admin.ModelAdmin):
    list_display = ["document", "client", "issued_on", "due_on", "amount", "paid"]
    list_select_related = ["client"]
    search_fields = ["document", "client__name", "client__tax_id"]
    date_hierarchy = "due_on"
    raw_id_fields = ["client"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued with `manage.py issue_api_token` (the secret is shown once); here they
    are listed and revoked."""

    list_display = ["prefix", "user", "name", "created_at", "last_used_at", "revoked_at"]
    list_select_related = ["user"]
    readonly_fields = ["user", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset) -> None:
        for token_id in queryset.values_list("pk", flat=True):
            revoke_api_token(token_id=token_id)
        self.message_user(request, _("Tokens revoked."), messages.SUCCESS)
