from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from calldesk.admin import ReadOnlyAdmin, ReadOnlyInline
from calldesk.errors import InvalidInput
from calldesk.screen_input import LOCAL_AMOUNTS
from clients.admin_receivables import ReceivableImportMixin
from clients.models import (
    Client,
    ClientChange,
    ClientPhone,
    ClientType,
    Contact,
    DeliveryAddress,
    Receivable,
)
from clients.phones import normalize_phone
from clients.services import resolve_manager, update_client
from staff.models import ApiToken, Department, User
from staff.permissions import client_fields_editable_in_admin, may_add_or_delete_in_admin
from staff.services import (
    department_leaders,
    head_headless_department,
    revoke_api_token,
    set_department_heads,
)


@admin.register(User)
class StaffAdmin(UserAdmin):
    list_display = ["username", "full_name", "department", "key_account", "presence", "is_active"]
    list_filter = ["groups", "department", "key_account", "presence", "is_active"]
    search_fields = ["username", "full_name", "email"]
    fieldsets = [
        *UserAdmin.fieldsets,
        (
            _("Desk"),
            {
                "fields": [
                    "full_name",
                    "department",
                    "key_account",
                    "presence",
                    "language",
                    "opens_calls_at_once",
                ]
            },
        ),
    ]

    def save_related(self, request, form, formsets, change: bool) -> None:
        """A head saved into a department with no head becomes its head, as through the API
        (staff.services.head_headless_department); admin sets the role group here, after the user."""
        super().save_related(request, form, formsets, change)
        if not change or {"groups", "department"} & set(form.changed_data):
            form.instance.__dict__.pop("_role_cache", None)
            head_headless_department(user=form.instance)


class DepartmentAdminForm(forms.ModelForm):
    class Meta:
        model = Department
        fields = ["code", "name", "head", "deputy"]

    def clean(self) -> dict:
        """The head and the deputy by the service's rule (staff.services.department_leaders)."""
        data = super().clean()
        if self.instance.pk is None:
            return data
        head, deputy = data.get("head"), data.get("deputy")
        try:
            department_leaders(
                department=self.instance,
                head=head.username if head else None,
                deputy=deputy.username if deputy else None,
            )
        except InvalidInput as error:
            for field_error in error.errors:
                self.add_error(
                    field_error.field if field_error.field in self.fields else None, field_error.detail
                )
        return data


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    """Departments; their head and deputy are named through staff.services.set_department_heads,
    the rule of `PUT /api/v1/departments/{code}`."""

    form = DepartmentAdminForm
    list_display = ["code", "name", "head", "deputy"]
    list_select_related = ["head", "deputy"]
    autocomplete_fields = ["head", "deputy"]

    def save_model(self, request, obj: Department, form, change: bool) -> None:
        if not change:
            super().save_model(request, obj, form, change)
            return
        others = [field for field in form.changed_data if field not in {"head", "deputy"}]
        if others:
            obj.save(update_fields=others)
        set_department_heads(
            actor=request.user,
            code=form.cleaned_data["code"],
            head=obj.head.username if obj.head else None,
            deputy=obj.deputy.username if obj.deputy else None,
        )


@admin.register(ClientType)
class ClientTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "department", "operator_takes_orders", "watch_dormancy", "regional_terms"]
    list_select_related = ["department"]


class PhoneForm(forms.ModelForm):
    class Meta:
        model = ClientPhone
        fields = ["number", "label"]

    def clean_number(self) -> str:
        try:
            return normalize_phone(self.cleaned_data["number"])
        except InvalidInput as error:
            raise forms.ValidationError(str(error)) from None


class PhoneInline(admin.TabularInline):
    model = ClientPhone
    form = PhoneForm
    extra = 0


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    fields = ["name", "position", "phone", "email", "may_receive_goods"]


class DeliveryAddressInline(admin.StackedInline):
    """The client's delivery addresses, each with the client's contacts authorised to receive
    goods there (III.12); at most one is the default."""

    model = DeliveryAddress
    extra = 0
    fields = [("address", "is_default"), ("region", "notes"), "receivers"]

    def get_formset(self, request, obj=None, **kwargs):
        self.client_id = obj.pk if obj is not None else None
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "receivers":
            # the client's own authorised contacts only (a new client has none yet)
            kwargs["queryset"] = Contact.objects.filter(client_id=self.client_id, may_receive_goods=True)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ClientChangeInline(ReadOnlyInline):
    """History of type, manager, credit limit and payment terms: read-only, never edited."""

    model = ClientChange
    fields = ["changed_at", "field", "old_value", "new_value", "changed_by", "note"]
    readonly_fields = fields
    ordering = ["-changed_at", "-id"]
    verbose_name_plural = _("History")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("changed_by")


@admin.register(ClientChange)
class ClientChangeAdmin(ReadOnlyAdmin):
    """Every client's history of type, manager, credit limit and payment terms (III.2, III.26):
    written only by `clients.services`; read here, never added, changed or deleted."""

    list_display = ["changed_at", "client", "field", "old_value", "new_value", "changed_by", "note"]
    list_filter = ["field", ("changed_by", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["client", "changed_by"]
    search_fields = ["client__name", "client__tax_id", "changed_by__username"]
    date_hierarchy = "changed_at"


CLIENT_FIELDS = [
    "name",
    "tax_id",
    "type",
    "department",
    "manager",
    "region",
    "address",
    "credit_limit",
    "payment_terms_days",
    "language",
    "email",
    "order_form_by_email",
    "joined_on",
    "price_column",
    "price_column_reason",
]


class ClientAdminForm(forms.ModelForm):
    class Meta:
        model = Client
        fields = CLIENT_FIELDS

    def clean(self) -> dict:
        """The manager must fit the client's department and type (III.4): the service's rule."""
        data = super().clean()
        client_type, manager = data.get("type"), data.get("manager")
        if client_type is not None and manager is not None:
            try:
                resolve_manager(
                    manager.username,
                    department_id=client_type.department_id,
                    key_client=not client_type.operator_takes_orders,
                )
            except InvalidInput as error:
                self.add_error("manager", str(error))
        # III.10: a fixed column needs its reason (the service's rule, said on the field here)
        if data.get("price_column") is not None and not (data.get("price_column_reason") or "").strip():
            self.add_error("price_column_reason", gettext("Say why the client's price column is fixed."))
        if data.get("order_form_by_email") and not data.get("email"):
            self.add_error("email", gettext("Order forms go by e-mail: give the client's e-mail."))
        return data


CLIENT_FIELDS = [
    "name",
    "tax_id",
    "type",
    "department",
    "manager",
    "region",
    "address",
    "credit_limit",
    "payment_terms_days",
    "language",
    "email",
    "order_form_by_email",
    "joined_on",
    "price_column",
    "price_column_reason",
]
SERVICE_FIELDS = [
    "name",
    "type",
    "manager",
    "region",
    "address",
    "credit_limit",
    "payment_terms_days",
    "language",
    "email",
    "order_form_by_email",
    "price_column",
    "price_column_reason",
]


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):
    """Clients in admin. A change goes through clients.services.update_client, so role rules and
    the history of type, manager, credit limit and terms hold here as on the screens and API."""

    form = ClientAdminForm
    formfield_overrides = LOCAL_AMOUNTS  # a credit limit as the person writes it: "12 500,00"
    list_display = ["name", "tax_id", "type", "department", "manager", "credit_limit", "payment_terms_days"]
    list_filter = ["type", "department", ("manager", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["type", "department", "manager"]
    search_fields = ["name", "tax_id", "phones__number"]
    autocomplete_fields = ["manager"]
    fields = CLIENT_FIELDS
    inlines = [PhoneInline, ContactInline, DeliveryAddressInline, ClientChangeInline]

    def get_readonly_fields(self, request, obj=None) -> list[str]:
        editable = client_fields_editable_in_admin(request.user)
        if editable is None:  # everything but the department, which follows the type
            return ["department"] if obj is not None else ["department", "joined_on"]
        return [f for f in CLIENT_FIELDS if f not in editable]

    def has_add_permission(self, request) -> bool:
        return may_add_or_delete_in_admin(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return may_add_or_delete_in_admin(request.user) and super().has_delete_permission(request, obj)

    def save_model(self, request, obj: Client, form, change: bool) -> None:
        if not change:
            obj.department = obj.type.department
            obj.joined_on = obj.joined_on or timezone.localdate()
            obj.set_search_text()
            obj.save()
            return
        changes = {}
        for field in SERVICE_FIELDS:
            if field in form.changed_data:
                value = form.cleaned_data[field]
                if field == "type":
                    value = value.code
                elif field in {"manager", "price_column"}:
                    value = (value.username if field == "manager" else value.code) if value else None
                changes[field] = value
        if changes:
            update_client(actor=request.user, client_id=obj.pk, changes=changes, note=gettext("in admin"))
            obj.refresh_from_db()


@admin.register(Receivable)
class ReceivableAdmin(ReceivableImportMixin, admin.ModelAdmin):
    """Receivables come from accounting: read here, changed only by an import (all or nothing)."""

    list_display = ["document", "client", "issued_on", "due_on", "amount", "paid"]
    list_select_related = ["client"]
    search_fields = ["document", "client__name", "client__tax_id"]
    list_filter = ["due_on"]
    date_hierarchy = "due_on"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


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
