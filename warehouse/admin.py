"""Warehouses with the regions they serve, their stock, and the production calendar, kept by
admins (III.12). Stock normally comes from the warehouse system (`PUT /api/v1/stock`)."""

from django.contrib import admin

from warehouse.models import CalendarDay, RegionWarehouse, Stock, Warehouse


class RegionInline(admin.TabularInline):
    model = RegionWarehouse
    fields = ["region"]
    extra = 1


@admin.register(Warehouse)
class WarehouseAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "cut_off"]
    search_fields = ["code", "name"]
    inlines = [RegionInline]


@admin.register(RegionWarehouse)
class RegionWarehouseAdmin(admin.ModelAdmin):
    list_display = ["region", "warehouse"]
    list_filter = ["warehouse"]
    search_fields = ["region"]


@admin.register(Stock)
class StockAdmin(admin.ModelAdmin):
    list_display = ["product", "warehouse", "quantity", "updated_at"]
    list_filter = ["warehouse"]
    search_fields = ["product__sku", "product__name"]
    list_select_related = ["product", "warehouse"]
    autocomplete_fields = ["product"]
    readonly_fields = ["updated_at"]


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "working", "note"]
    list_filter = ["working"]
    date_hierarchy = "date"
    search_fields = ["note"]
