"""Outbound calls: the nightly list of dormant market clients (III.16), the call campaigns the
heads of sales instruct (III.17, III.23), and each operator's queue of call tasks."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Campaign(models.Model):
    """Calls a head of a sales department instructs (III.17), often to run a promotion (III.23):
    a goal, a script to read, optional survey questions, a target and a due date."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        CLOSED = "closed", _("Closed")

    name = models.CharField(_("name"), max_length=150)
    goal = models.CharField(_("goal"), max_length=300)
    script = models.TextField(_("script"), help_text=_("What the operator reads out."))
    questions = models.JSONField(
        _("questions"), default=list, blank=True, help_text=_("A survey: one text a question.")
    )
    department = models.ForeignKey(
        "staff.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RUNNING)
    target = models.JSONField(
        _("target"),
        default=dict,
        blank=True,
        help_text=_("client_types, regions, managers, dormant, declined_earlier"),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")

    def __str__(self) -> str:
        return self.name


class CallList(models.Model):
    """A list of outbound calls: the nightly dormant list of a day (III.16) or a campaign's."""

    class Source(models.TextChoices):
        DORMANT = "dormant", _("Dormant clients")
        CAMPAIGN = "campaign", _("Campaign")

    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    day = models.DateField(_("day"))
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="lists",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-day", "-id"]
        verbose_name = _("call list")
        verbose_name_plural = _("call lists")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "day"],
                condition=Q(source="dormant"),
                name="calllist_one_dormant_list_a_day",
            ),
            models.UniqueConstraint(
                fields=["campaign"], condition=Q(source="campaign"), name="calllist_one_list_a_campaign"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.day}"


class CallTask(models.Model):
    """One client to call on a list, assigned to an operator, with its result."""

    class Reason(models.TextChoices):
        DORMANT = "dormant", _("No order since the last order date")
        NEVER_ORDERED = "never_ordered", _("Never ordered since joining")
        CAMPAIGN = "campaign", _("Campaign")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        NO_ANSWER = "no_answer", _("No answer")
        CALLBACK = "callback", _("Callback at a time")

    class Outcome(models.TextChoices):
        AGREED = "agreed", _("Agreed / ordered")
        REFUSED = "refused", _("Refused")
        INFORMED = "informed", _("Informed")
        NO_ANSWER = "no_answer", _("No answer")
        CALLBACK = "callback", _("Call back later")

    call_list = models.ForeignKey(
        CallList, verbose_name=_("list"), on_delete=models.CASCADE, related_name="tasks"
    )
    client = models.ForeignKey(
        "clients.Client", verbose_name=_("client"), on_delete=models.PROTECT, related_name="call_tasks"
    )
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("operator"),
        on_delete=models.PROTECT,
        null=True,
        related_name="call_tasks",
    )
    reason = models.CharField(_("why on the list"), max_length=16, choices=Reason.choices)
    last_order_on = models.DateField(_("last order on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    refusal_reason = models.CharField(_("refusal reason"), max_length=300, blank=True)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    callback_at = models.DateTimeField(_("call back at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    call = models.ForeignKey(
        "calls.Call",
        verbose_name=_("call"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["call_list", "id"]
        verbose_name = _("call task")
        verbose_name_plural = _("call tasks")
        constraints = [models.UniqueConstraint(fields=["call_list", "client"], name="calltask_once_a_list")]
        indexes = [
            models.Index(fields=["operator", "status"], name="calltask_queue"),
            models.Index(fields=["client"], name="calltask_open_client", condition=~Q(status="done")),
        ]

    def __str__(self) -> str:
        return f"{self.client_id}: {self.status}"


class TaskAttempt(models.Model):
    """Each result an operator recorded on a call task, when it was recorded: the reports count
    the calls made to dormant clients (III.16) and who brought them back from these."""

    task = models.ForeignKey(CallTask, verbose_name=_("task"), on_delete=models.CASCADE, related_name="tries")
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("operator"), on_delete=models.PROTECT, related_name="+"
    )
    client = models.ForeignKey(
        "clients.Client", verbose_name=_("client"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("why on the list"), max_length=16, choices=CallTask.Reason.choices)
    outcome = models.CharField(_("outcome"), max_length=10, choices=CallTask.Outcome.choices)
    at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("call task attempt")
        verbose_name_plural = _("call task attempts")
        indexes = [
            models.Index(fields=["at"], name="taskattempt_at"),
            models.Index(fields=["client", "at"], name="taskattempt_client"),
        ]

    def __str__(self) -> str:
        return f"{self.task_id} {self.at:%Y-%m-%d %H:%M}: {self.outcome}"
