"""Outbound work in admin: read-only, since the lists, campaigns, tasks and attempts are written
by the nightly job and the desk's services (III.16, III.17), and an attempt is a record of a call
made (III.14: registered, never edited after the fact)."""

from django.contrib import admin

from calldesk.admin import ReadOnlyAdmin, ReadOnlyInline
from outbound.models import CallList, CallTask, Campaign, TaskAttempt


@admin.register(Campaign)
class CampaignAdmin(ReadOnlyAdmin):
    list_display = ["name", "department", "status", "due_on", "created_by", "created_at"]
    list_filter = ["status", "department"]
    list_select_related = ["department", "created_by"]
    search_fields = ["name", "goal"]


@admin.register(CallList)
class CallListAdmin(ReadOnlyAdmin):
    list_display = ["day", "source", "campaign"]
    list_filter = ["source"]
    list_select_related = ["campaign"]
    date_hierarchy = "day"


class TaskAttemptInline(ReadOnlyInline):
    model = TaskAttempt
    fields = ["at", "operator", "outcome"]


@admin.register(CallTask)
class CallTaskAdmin(ReadOnlyAdmin):
    list_display = ["call_list", "client", "operator", "reason", "status", "outcome", "attempts"]
    list_filter = ["status", "reason", "outcome"]
    list_select_related = ["call_list__campaign", "client", "operator"]
    search_fields = ["client__name", "client__tax_id", "operator__username"]
    raw_id_fields = ["call_list", "client", "operator", "call"]
    inlines = [TaskAttemptInline]


@admin.register(TaskAttempt)
class TaskAttemptAdmin(ReadOnlyAdmin):
    list_display = ["at", "operator", "client", "reason", "outcome"]
    list_filter = ["reason", "outcome"]
    list_select_related = ["operator", "client"]
    date_hierarchy = "at"
