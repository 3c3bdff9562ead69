from django.contrib import admin

from orders.models import Order, OrderLine, Price, PriceColumn, Product


@admin.register(PriceColumn)
class PriceColumnAdmin(admin.ModelAdmin):
    list_display = ["position", "code", "name"]


class PriceInline(admin.TabularInline):
    """The price-list matrix: a product with its price in every column."""

    model = Price
    extra = 0
    autocomplete_fields = []


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["sku", "name", "unit", "pack", "category", "active", "new_until"]
    list_filter = ["active", "category"]
    search_fields = ["sku", "name"]
    inlines = [PriceInline]


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    raw_id_fields = ["product"]


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["number", "client", "status", "confirmed_at", "total", "taken_by"]
    list_filter = ["status"]
    list_select_related = ["client", "taken_by"]
    search_fields = ["number", "client__name"]
    raw_id_fields = ["client", "taken_by"]
    inlines = [OrderLineInline]
    date_hierarchy = "created_at"
