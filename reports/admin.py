"""Reports in admin: department targets are kept here (section VI); the report rows and runs are
read-only, since only the build writes them, and a day can be rebuilt from its run."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from calldesk.admin import ReadOnlyAdmin
from reports.build import build_day
from reports.models import DepartmentTarget, ExportJob, OperatorDay, ReportRun


@admin.register(DepartmentTarget)
class DepartmentTargetAdmin(admin.ModelAdmin):
    """A department's targets per period; the model's clean() (reports.rules.check_target)
    refuses a period that ends before it starts, a conversion outside 0-100 % and two targets of
    one department that overlap."""

    list_display = [
        "department",
        "period_start",
        "period_end",
        "orders",
        "order_value",
        "upsell_conversion",
        "reactivated",
        "updated_by",
        "updated_at",
    ]
    list_filter = ["department"]
    list_select_related = ["department", "updated_by"]
    date_hierarchy = "period_start"
    fields = [
        "department",
        "period_start",
        "period_end",
        "orders",
        "order_value",
        "upsell_conversion",
        "reactivated",
    ]

    def save_model(self, request, obj, form, change) -> None:
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(ReportRun)
class ReportRunAdmin(ReadOnlyAdmin):
    list_display = ["day", "built_at", "seconds"]
    date_hierarchy = "day"
    actions = ["rebuild"]

    @admin.action(description=_("Rebuild the reports of the selected days"), permissions=["view"])
    def rebuild(self, request, queryset) -> None:
        days = sorted(queryset.values_list("day", flat=True))
        for day in days:
            build_day(day)
        self.message_user(
            request,
            ngettext("Rebuilt %(n)d day.", "Rebuilt %(n)d days.", len(days)) % {"n": len(days)},
            messages.SUCCESS,
        )


@admin.register(OperatorDay)
class OperatorDayAdmin(ReadOnlyAdmin):
    list_display = [
        "day",
        "operator",
        "calls_in",
        "calls_out",
        "orders",
        "order_value",
        "offers_made",
        "offers_accepted",
        "errors",
        "score",
    ]
    list_filter = ["department"]
    list_select_related = ["operator"]
    search_fields = ["operator__username", "operator__full_name"]
    date_hierarchy = "day"


@admin.register(ExportJob)
class ExportJobAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "requested_by",
        "kind",
        "format",
        "status",
        "rows_done",
        "rows_total",
        "error",
    ]
    list_filter = ["status", "kind"]
    list_select_related = ["requested_by"]
    exclude = ["content"]
