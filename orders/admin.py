"""The price list in Django admin: commercial management keeps products, prices, discount rules and
specials here. Price edits go through `orders.pricelist`, rule and special edits through
`orders.promotions`, so every change is recorded (`PriceChange`, `RuleChange`) with who made it;
orders are read-only here, they change only through services. The histories are read here and
never edited (III.26)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from calldesk.admin import ReadOnlyAdmin, ReadOnlyInline
from calldesk.errors import DeskError, Forbidden, InvalidInput
from calldesk.exporting import EXPORT_FORMATS
from calldesk.importing import FileImportAdmin
from calldesk.money import format_money
from calldesk.screen_input import LOCAL_AMOUNTS, LocalDecimalField
from orders.models import (
    CancelReason,
    DeclineReason,
    DiscountRule,
    Order,
    OrderChange,
    OrderLine,
    Price,
    PriceChange,
    PriceColumn,
    Product,
    ProductCertificate,
    RuleChange,
    Source,
    Special,
)
from orders.pricelist import PRICE_LIST_FILE, export_price_list, remove_price, set_price
from orders.promotions import (
    create_discount_rule,
    create_special,
    deactivate_discount_rule,
    deactivate_special,
    delete_discount_rule,
    delete_special,
    update_discount_rule,
    update_special,
    validate_discount_rule,
    validate_special,
)
from orders.rules import BASE
from orders.services import change_status
from staff.permissions import may_edit_price_list


@admin.register(PriceColumn)
class PriceColumnAdmin(admin.ModelAdmin):
    list_display = ["position", "code", "name"]


# --- the price-list matrix ------------------------------------------------------------------------


class PriceInlineForm(forms.ModelForm):
    amount = LocalDecimalField(label=gettext_lazy("amount"), min_value=0, max_digits=12, decimal_places=2)

    class Meta:
        model = Price
        fields = ["column", "amount"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # A price stays in its column: change its amount, or delete it and add another.
            self.fields["column"].disabled = True


class PriceInlineFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        kept = {
            form.cleaned_data["column"].code
            for form in self.forms
            if form.cleaned_data.get("column") and not self._should_delete_form(form)
        }
        if BASE not in kept:
            raise ValidationError(_("A product needs a base price."))


class PriceInline(admin.TabularInline):
    """The price-list matrix: a product with its price in every column. Saved through
    `set_price`/`remove_price` (ProductAdmin.save_formset), which record every change."""

    model = Price
    form = PriceInlineForm
    formset = PriceInlineFormSet
    extra = 0

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).select_related("column").order_by("column__position")

    def get_extra(self, request: HttpRequest, obj=None, **kwargs) -> int:
        return 0 if obj is not None and obj.pk else 1  # a new product starts with a row for its base price


class CertificateInline(admin.TabularInline):
    model = ProductCertificate
    extra = 0


class NewProductFilter(admin.SimpleListFilter):
    """III.7: a product is offered as new until its `new_until` date."""

    title = gettext_lazy("new")
    parameter_name = "new"

    def lookups(self, request, model_admin):
        return [("yes", _("Offered as new")), ("no", _("Not new"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "yes":
            return queryset.filter(new_until__gte=today)
        if self.value() == "no":
            return queryset.exclude(new_until__gte=today)
        return queryset


class ProductAdminForm(forms.ModelForm):
    """A product as commercial management keeps it; the VAT rate is one of the desk's rates
    (settings.CALLDESK_VAT_RATES), as the price list's doors check it (orders.rules)."""

    class Meta:
        model = Product
        fields = [
            "sku",
            "name",
            "unit",
            "pack",
            "min_quantity",
            "whole_packs",
            "vat_rate",
            "category",
            "active",
            "new_until",
        ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["vat_rate"] = forms.TypedChoiceField(
            label=Product._meta.get_field("vat_rate").verbose_name,
            choices=[(rate, f"{rate} %") for rate in sorted(settings.CALLDESK_VAT_RATES)],
            coerce=int,
            required=False,
            empty_value=None,
            initial=Product._meta.get_field("vat_rate").default,
        )

        minimum = Product._meta.get_field("min_quantity")
        self.fields["min_quantity"] = LocalDecimalField(
            label=minimum.verbose_name,
            help_text=minimum.help_text,
            min_value=0,
            max_digits=12,
            decimal_places=3,
            required=False,
        )

    def clean_min_quantity(self):
        """Left out of the form: the product keeps its minimum."""
        minimum = self.cleaned_data.get("min_quantity")
        return self.instance.min_quantity if minimum is None else minimum

    def clean_vat_rate(self) -> int:
        """Left out of the form: the product keeps its rate (a new one gets the default)."""
        rate = self.cleaned_data.get("vat_rate")
        return self.instance.vat_rate if rate is None else rate


class PriceListFileMixin(FileImportAdmin):
    """For ProductAdmin: "Import from file" and "Export" object tools and their pages."""

    file_import = PRICE_LIST_FILE
    may_import = staticmethod(may_edit_price_list)
    import_title = gettext_lazy("Import the price list from a file")
    import_help = gettext_lazy(
        "CSV (UTF-8 or Windows-1251, comma or semicolon) or XLSX, as the export writes it. The first "
        "row names the columns: sku, name, unit, pack, category, active, new_until, vat_rate, "
        "min_quantity, whole_packs and one column per price column."
    )
    import_template = "admin/orders/product/import.html"

    def _export_url_name(self) -> str:
        return f"{self.opts.app_label}_{self.opts.model_name}_export"

    def get_urls(self) -> list[URLPattern]:
        # Before the model's own URLs, whose "<path:object_id>/" would take "export/".
        view = self.admin_site.admin_view(self.export_view)
        return [path("export/<str:fmt>/", view, name=self._export_url_name()), *super().get_urls()]

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        extra_context = dict(extra_context or {})
        extra_context["file_export_urls"] = [
            (
                fmt.label,
                reverse(
                    f"admin:{self._export_url_name()}", args=[fmt.code], current_app=self.admin_site.name
                ),
            )
            for fmt in EXPORT_FORMATS.values()
        ]
        return super().changelist_view(request, extra_context=extra_context)

    def export_view(self, request: HttpRequest, fmt: str) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        if fmt not in EXPORT_FORMATS:
            raise Http404
        response = HttpResponse(export_price_list(fmt), content_type=EXPORT_FORMATS[fmt].content_type)
        filename = f"price-list-{timezone.localdate().isoformat()}.{EXPORT_FORMATS[fmt].extension}"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


@admin.register(Product)
class ProductAdmin(PriceListFileMixin, admin.ModelAdmin):
    form = ProductAdminForm
    list_display = [
        "sku",
        "name",
        "unit",
        "pack",
        "vat_rate",
        "category",
        "active",
        "new_until",
        "price_list",
    ]
    list_filter = ["active", "category", NewProductFilter]
    search_fields = ["sku", "name"]
    inlines = [PriceInline, CertificateInline]

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).prefetch_related("prices__column")

    def save_model(self, request: HttpRequest, obj: Product, form, change: bool) -> None:
        obj.set_search_text()  # the SKU and name as product search reads them (II.2)
        super().save_model(request, obj, form, change)

    @admin.display(description=gettext_lazy("prices"))
    def price_list(self, product: Product) -> str:
        prices = sorted(product.prices.all(), key=lambda price: price.column.position)
        return " · ".join(f"{price.column.code} {format_money(price.amount)}" for price in prices) or "—"

    def get_formset_kwargs(self, request: HttpRequest, obj, inline, prefix: str) -> dict:
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, PriceInline) and obj.pk is None:
            kwargs["initial"] = [{"column": PriceColumn.objects.filter(code=BASE).first()}]
        return kwargs

    def save_formset(self, request: HttpRequest, form, formset, change: bool) -> None:
        if formset.model is not Price:
            super().save_formset(request, form, formset, change)
            return
        save_prices(formset, actor=request.user)


def save_prices(formset: PriceInlineFormSet, *, actor) -> None:
    """Save the inline's price rows through `set_price`/`remove_price`, so each change is
    recorded with who made it. Sets the formset's new/changed/deleted lists for the admin's log."""
    formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
    product = formset.instance
    try:
        for price_form in formset.forms:
            if not hasattr(price_form, "cleaned_data") or not price_form.has_changed():
                continue
            existing = price_form.instance if price_form.instance.pk else None
            if formset._should_delete_form(price_form):
                if existing is not None:
                    remove_price(
                        product_id=product.pk,
                        column_code=existing.column.code,
                        actor=actor,
                        source=Source.ADMIN,
                    )
                    formset.deleted_objects.append(existing)
                continue
            price = set_price(
                product_id=product.pk,
                column_code=price_form.cleaned_data["column"].code,
                amount=price_form.cleaned_data["amount"],
                actor=actor,
                source=Source.ADMIN,
            )
            if existing is None:
                formset.new_objects.append(price)
            else:
                formset.changed_objects.append((price, ["amount"]))
    except Forbidden:
        raise PermissionDenied from None


# --- history, rules, specials -----------------------------------------------------------------------


@admin.register(PriceChange)
class PriceChangeAdmin(ReadOnlyAdmin):
    """Price history: written only by the price-list services."""

    list_display = ["changed_at", "product", "column", "old_amount", "new_amount", "changed_by", "source"]
    list_filter = ["column", "source"]
    list_select_related = ["product", "column", "changed_by"]
    search_fields = ["product__sku", "product__name", "changed_by__username"]
    date_hierarchy = "changed_at"


@admin.register(RuleChange)
class RuleChangeAdmin(ReadOnlyAdmin):
    """The history of discount rules and specials (III.10, III.23, III.26): written only by
    `orders.promotions`; read here, never added, changed or deleted."""

    list_display = [
        "changed_at",
        "kind",
        "object_id",
        "label",
        "action",
        "field",
        "old_value",
        "new_value",
        "changed_by",
        "source",
    ]
    list_filter = ["kind", "action", "field", "source"]
    list_select_related = ["changed_by"]
    search_fields = ["label", "old_value", "new_value", "changed_by__username"]
    date_hierarchy = "changed_at"


class PriceListRuleForm(forms.ModelForm):
    """A discount rule's or a special's admin form: besides the model's own checks, the service's
    check (`validate_*`), so admin and API refuse the same input with the same words."""

    validate = staticmethod(lambda data: data)
    field_of = {}  # the service's input name -> the form's field, where they differ

    def service_input(self, data: dict) -> dict:
        raise NotImplementedError

    def clean(self) -> dict:
        data = super().clean()
        if self.errors:
            return data
        try:
            self.validate(self.service_input(data))
        except InvalidInput as exc:
            for error in exc.errors:
                field = self.field_of.get(error.field, error.field)
                self.add_error(field if field in self.fields else None, error.detail)
        return data


def _codes(client_types) -> list[str]:
    return sorted(client_type.code for client_type in client_types or [])


class SpecialForm(PriceListRuleForm):
    validate = staticmethod(validate_special)
    field_of = {"sku": "product"}

    class Meta:
        model = Special
        fields = [
            "product",
            "valid_from",
            "valid_to",
            "client_types",
            "note",
            "kind",
            "special_price",
            "percent",
            "buy",
            "pay",
        ]

    def service_input(self, data: dict) -> dict:
        product = data.get("product")
        return {
            "sku": product.sku if product else None,
            "valid_from": data.get("valid_from"),
            "valid_to": data.get("valid_to"),
            "client_types": _codes(data.get("client_types")),
            "note": data.get("note"),
            "kind": data.get("kind") or "",
            "special_price": data.get("special_price"),
            "percent": data.get("percent"),
            "buy": data.get("buy"),
            "pay": data.get("pay"),
        }


class DiscountRuleForm(PriceListRuleForm):
    validate = staticmethod(validate_discount_rule)

    class Meta:
        model = DiscountRule
        fields = ["name", "column", "client_types", "min_subtotal", "priority", "valid_from", "valid_to"]

    def service_input(self, data: dict) -> dict:
        column = data.get("column")
        return {
            "name": data.get("name") or "",
            "column": column.code if column else None,
            "client_types": _codes(data.get("client_types")),
            "min_subtotal": data.get("min_subtotal"),
            "priority": data.get("priority"),
            "valid_from": data.get("valid_from"),
            "valid_to": data.get("valid_to"),
        }


class ThroughServicesAdmin(admin.ModelAdmin):
    """Discount rules and specials are created, changed, deactivated and deleted here only through
    `orders.promotions`, which checks the role and records each change (RuleChange) with who made
    it, from "admin". Each change page links to the object's history."""

    readonly_fields = ["created_by", "history"]
    formfield_overrides = LOCAL_AMOUNTS  # a special price, a rule's minimum: "1 000,00" in Russian
    actions = ["deactivate"]
    kind = ""
    id_argument = ""
    create = update = deactivate_one = delete_one = None

    @admin.display(description=gettext_lazy("history"))
    def history(self, obj) -> str:
        if obj is None or obj.pk is None:
            return "—"
        url = (
            reverse("admin:orders_rulechange_changelist")
            + "?"
            + urlencode({"kind": self.kind, "object_id": obj.pk})
        )
        return format_html('<a href="{}">{}</a>', url, _("Who changed what, and when"))

    def save_model(self, request: HttpRequest, obj, form, change: bool) -> None:
        data = form.service_input(form.cleaned_data)
        try:
            if change:
                changes = {
                    name: value
                    for name, value in data.items()
                    if form.field_of.get(name, name) in form.changed_data
                }
                saved = self.update(
                    actor=request.user, changes=changes, source=Source.ADMIN, **{self.id_argument: obj.pk}
                )
            else:
                saved = self.create(actor=request.user, source=Source.ADMIN, **data)
        except Forbidden:
            raise PermissionDenied from None
        obj.pk = saved.pk
        obj.created_by = saved.created_by
        obj._state.adding = False

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        """The service has set the client types; the form's own m2m save would bypass it."""
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def delete_model(self, request: HttpRequest, obj) -> None:
        try:
            self.delete_one(actor=request.user, source=Source.ADMIN, **{self.id_argument: obj.pk})
        except Forbidden:
            raise PermissionDenied from None

    def delete_queryset(self, request: HttpRequest, queryset) -> None:
        for pk in queryset.order_by("pk").values_list("pk", flat=True):
            try:
                self.delete_one(actor=request.user, source=Source.ADMIN, **{self.id_argument: pk})
            except Forbidden:
                raise PermissionDenied from None

    @admin.action(description=gettext_lazy("Deactivate from today"), permissions=["change"])
    def deactivate(self, request: HttpRequest, queryset) -> None:
        today = timezone.localdate()
        for obj in queryset.order_by("pk"):
            try:
                self.deactivate_one(
                    actor=request.user, on=today, source=Source.ADMIN, **{self.id_argument: obj.pk}
                )
            except Forbidden:
                raise PermissionDenied from None
            except DeskError as exc:
                self.message_user(request, f"{obj}: {exc.detail}", messages.ERROR)
            else:
                self.message_user(request, _("%(object)s no longer applies from today.") % {"object": obj})


@admin.register(DiscountRule)
class DiscountRuleAdmin(ThroughServicesAdmin):
    form = DiscountRuleForm
    list_display = ["__str__", "column", "min_subtotal", "priority", "valid_from", "valid_to", "created_by"]
    list_filter = ["column", "client_types"]
    list_select_related = ["column", "created_by"]
    filter_horizontal = ["client_types"]
    kind = RuleChange.Kind.DISCOUNT_RULE
    id_argument = "rule_id"
    create = staticmethod(create_discount_rule)
    update = staticmethod(update_discount_rule)
    deactivate_one = staticmethod(deactivate_discount_rule)
    delete_one = staticmethod(delete_discount_rule)


@admin.register(Special)
class SpecialAdmin(ThroughServicesAdmin):
    form = SpecialForm
    list_display = ["product", "valid_from", "valid_to", "kind", "terms", "note", "created_by"]
    list_filter = ["client_types"]
    list_select_related = ["product", "created_by"]
    search_fields = ["product__sku", "product__name", "note"]
    autocomplete_fields = ["product"]
    filter_horizontal = ["client_types"]
    date_hierarchy = "valid_from"
    kind = RuleChange.Kind.SPECIAL
    id_argument = "special_id"
    create = staticmethod(create_special)
    update = staticmethod(update_special)
    deactivate_one = staticmethod(deactivate_special)
    delete_one = staticmethod(delete_special)


@admin.register(DeclineReason)
class DeclineReasonAdmin(admin.ModelAdmin):
    """The short pick-list of why a client declines an offered item (III.7), in three languages."""

    list_display = ["position", "code", "name", "name_ru", "name_ro", "active"]
    list_display_links = ["code"]
    list_editable = ["position", "active"]
    list_filter = ["active"]
    search_fields = ["code", "name", "name_ru", "name_ro"]


# --- orders: read-only ---------------------------------------------------------------------------


class OrderLineInline(ReadOnlyInline):
    model = OrderLine
    fields = [
        "product",
        "quantity",
        "list_price",
        "unit_price",
        "base_price",
        "promotion",
        "saving",
        "vat_rate",
        "vat",
        "total",
        "special",
    ]


class OrderChangeInline(ReadOnlyInline):
    """The order's history from its confirmation on: status changes and exceptions (III.14)."""

    model = OrderChange
    fields = ["changed_at", "field", "old_value", "new_value", "reason", "changed_by"]
    readonly_fields = fields
    ordering = ["-changed_at", "-id"]
    verbose_name_plural = gettext_lazy("History")

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).select_related("changed_by")


class CancelOrdersForm(forms.Form):
    """Why the selected orders are cancelled: a code (section VI) and a note."""

    code = forms.ChoiceField(label=gettext_lazy("Why"), choices=[("", "—"), *CancelReason.choices])
    reason = forms.CharField(
        label=gettext_lazy("Note"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("Required for “Other”."),
    )


@admin.register(Order)
class OrderAdmin(ReadOnlyAdmin):
    """Orders change only through the services (and their screens and API): read here, with
    their history. The one change made here, cancelling, goes through `change_status` with its
    reason code like every other door."""

    list_display = ["number", "client", "status", "cancel_code", "confirmed_at", "total", "vat", "taken_by"]
    list_filter = ["status", "cancel_code"]
    list_select_related = ["client", "taken_by"]
    search_fields = ["number", "client__name"]
    raw_id_fields = ["client", "taken_by"]
    inlines = [OrderLineInline, OrderChangeInline]
    date_hierarchy = "created_at"
    actions = ["cancel"]

    @admin.action(description=gettext_lazy("Cancel the selected orders"), permissions=["view"])
    def cancel(self, request: HttpRequest, queryset) -> HttpResponse | None:
        """Asks why (the code and a note) on a page of its own, then cancels each order through
        the service, which checks who may and what may be cancelled."""
        form = CancelOrdersForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            context = {
                **self.admin_site.each_context(request),
                "title": _("Why are these orders cancelled?"),
                "opts": self.opts,
                "orders": list(queryset.select_related("client")),
                "form": form,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "admin/orders/order/cancel.html", context)
        cancelled, refused = [], []
        for order in queryset.order_by("pk"):
            try:
                change_status(
                    actor=request.user,
                    order_id=order.pk,
                    status=Order.Status.CANCELLED,
                    code=form.cleaned_data["code"],
                    reason=form.cleaned_data["reason"],
                )
            except DeskError as error:
                refused.append(f"{order}: {error}")
            else:
                cancelled.append(str(order))
        if cancelled:
            self.message_user(
                request, _("Cancelled: %(orders)s.") % {"orders": ", ".join(cancelled)}, messages.SUCCESS
            )
        for line in refused:
            self.message_user(request, line, messages.ERROR)
        return None


@admin.register(OrderChange)
class OrderChangeAdmin(ReadOnlyAdmin):
    """Every order's history (III.14, III.26): written only by `orders.services`."""

    list_display = ["changed_at", "order", "field", "old_value", "new_value", "reason", "changed_by"]
    list_filter = ["field", "order__status", ("changed_by", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["order", "changed_by"]
    search_fields = ["order__number", "reason", "changed_by__username"]
    date_hierarchy = "changed_at"
