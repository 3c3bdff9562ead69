"""The call register in admin: read-only, since every call, transfer and comment is written by
the desk's services (III.14: registered, never edited after the fact)."""

from django.contrib import admin

from calldesk.admin import ReadOnlyAdmin
from calls.models import Call, Callback, Consultation, Feedback, FeedbackRoute, ReferenceRequest


@admin.register(Call)
class CallAdmin(ReadOnlyAdmin):
    list_display = [
        "started_at",
        "direction",
        "phone",
        "client",
        "operator",
        "purpose",
        "outcome",
        "transferred_to",
    ]
    list_filter = ["direction", "purpose", "outcome"]
    list_select_related = ["client", "operator", "transferred_to"]
    search_fields = ["phone", "client__name", "operator__username"]
    date_hierarchy = "started_at"


@admin.register(ReferenceRequest)
class ReferenceRequestAdmin(ReadOnlyAdmin):
    list_display = ["requested_at", "email", "documents", "sent_at", "attempts", "last_error"]
    search_fields = ["email"]


class FeedbackRouteInline(admin.TabularInline):
    model = FeedbackRoute
    extra = 0
    readonly_fields = ["department", "status", "updated_by", "updated_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyAdmin):
    list_display = ["recorded_at", "client", "text", "recorded_by"]
    list_select_related = ["client", "recorded_by"]
    inlines = [FeedbackRouteInline]


@admin.register(Consultation)
class ConsultationAdmin(ReadOnlyAdmin):
    list_display = ["asked_at", "department", "asked_by", "question", "answered_at"]
    list_select_related = ["department", "asked_by"]


@admin.register(Callback)
class CallbackAdmin(ReadOnlyAdmin):
    list_display = ["due_at", "phone", "client", "taken_by", "taken_at"]
    list_select_related = ["client", "taken_by"]
