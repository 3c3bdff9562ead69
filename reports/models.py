"""Pre-aggregated report rows (III.14, III.25, section VI).

Dashboards never scan calls or orders per request: a task folds each day into these rows after
the day (and, for today, within seconds of each confirmed order or ended call, reports.refresh),
and every screen reads the rows. A day's rows are rebuilt whole, inside one transaction, so a
re-run overwrites and never adds."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

MONEY = {"max_digits": 14, "decimal_places": 2, "default": Decimal("0.00")}


class ReportRun(models.Model):
    """When a day's rows were last built; one row a day, locked while the day is rebuilt."""

    day = models.DateField(_("day"), primary_key=True)
    built_at = models.DateTimeField(_("built at"))
    seconds = models.DecimalField(_("seconds it took"), max_digits=8, decimal_places=3, default=Decimal("0"))

    class Meta:
        ordering = ["-day"]
        verbose_name = _("report run")
        verbose_name_plural = _("report runs")

    def __str__(self) -> str:
        return str(self.day)


class OperatorDay(models.Model):
    """One operator's day, the daily operator report of API.md ("Reports") and section VI."""

    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("operator"),
        on_delete=models.PROTECT,
        related_name="report_days",
    )
    day = models.DateField(_("day"))
    department = models.ForeignKey(
        "staff.Department",
        verbose_name=_("operator's department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    calls_in = models.PositiveIntegerField(_("calls in"), default=0)
    calls_out = models.PositiveIntegerField(_("calls out"), default=0)
    calls_ended = models.PositiveIntegerField(_("calls wrapped up"), default=0)
    talk_seconds = models.PositiveIntegerField(_("talk time, seconds"), default=0)
    orders = models.PositiveIntegerField(_("orders"), default=0)
    order_value = models.DecimalField(_("order value"), **MONEY)
    lines = models.PositiveIntegerField(_("order lines"), default=0)
    offers_made = models.PositiveIntegerField(_("offers made"), default=0)
    offers_accepted = models.PositiveIntegerField(_("offers accepted"), default=0)
    transfers = models.PositiveIntegerField(_("transfers"), default=0)
    dormant_called = models.PositiveIntegerField(_("dormant clients called"), default=0)
    dormant_reordered = models.PositiveIntegerField(_("dormant clients who ordered again"), default=0)
    errors = models.PositiveIntegerField(
        _("errors"),
        default=0,
        help_text=_("Orders cancelled after confirmation for the operator's own mistake (section VI)."),
    )
    exceptions = models.PositiveIntegerField(
        _("authorised exceptions"), default=0, help_text=_("Orders confirmed past the debt check (III.6).")
    )
    score = models.DecimalField(
        _("score"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_("0 to 100; empty on a day without orders (section VI)."),
    )

    # The report's counters, which the build writes and the screens add up.
    COUNTERS = (
        "calls_in",
        "calls_out",
        "calls_ended",
        "talk_seconds",
        "orders",
        "order_value",
        "lines",
        "offers_made",
        "offers_accepted",
        "transfers",
        "dormant_called",
        "dormant_reordered",
        "errors",
        "exceptions",
    )

    class Meta:
        ordering = ["-day", "operator__full_name"]
        verbose_name = _("operator's day")
        verbose_name_plural = _("operators' days")
        constraints = [
            models.UniqueConstraint(fields=["operator", "day"], name="operatorday_once"),
            models.CheckConstraint(
                condition=Q(offers_accepted__lte=F("offers_made")), name="operatorday_offers"
            ),
        ]
        indexes = [models.Index(fields=["day", "department"], name="operatorday_by_day")]

    def __str__(self) -> str:
        return f"{self.operator_id} {self.day}"

    @property
    def handle_seconds_avg(self) -> int | None:
        """Average handle time of the calls wrapped up that day, in whole seconds."""
        if not self.calls_ended:
            return None
        return round(self.talk_seconds / self.calls_ended)

    @property
    def conversion(self) -> Decimal | None:
        from reports.rules import percent

        return percent(self.offers_accepted, self.offers_made)


class SalesDay(models.Model):
    """A day's work on one department's clients, split by the operator who took it and the
    client's manager: the slice the heads' dashboards add up by department, manager or operator.
    `operator` is empty for work nobody on the desk did (an order entered through the API by
    the system), `manager` for clients without one."""

    day = models.DateField(_("day"))
    department = models.ForeignKey(
        "staff.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("taken by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("client's manager"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    calls_in = models.PositiveIntegerField(_("calls in"), default=0)
    calls_out = models.PositiveIntegerField(_("calls out"), default=0)
    orders = models.PositiveIntegerField(_("orders"), default=0)
    order_value = models.DecimalField(_("order value"), **MONEY)
    lines = models.PositiveIntegerField(_("order lines"), default=0)
    offers_made = models.PositiveIntegerField(_("offers made"), default=0)
    offers_accepted = models.PositiveIntegerField(_("offers accepted"), default=0)
    reactivated = models.PositiveIntegerField(_("dormant clients reactivated"), default=0)
    errors = models.PositiveIntegerField(_("orders cancelled for the operator's own mistake"), default=0)
    blocked_to_manager = models.PositiveIntegerField(
        _("orders blocked by debt, passed to the manager"), default=0
    )
    blocked_to_finance = models.PositiveIntegerField(
        _("orders blocked by debt, passed to finance"), default=0
    )
    blocked_to_callback = models.PositiveIntegerField(
        _("orders blocked by debt, left as a callback request"), default=0
    )

    class Meta:
        ordering = ["-day"]
        verbose_name = _("sales day")
        verbose_name_plural = _("sales days")
        indexes = [models.Index(fields=["department", "day"], name="salesday_by_department")]

    def __str__(self) -> str:
        return f"{self.department_id} {self.day}"


class DepartmentTarget(models.Model):
    """A department's target indicators for a period (section VI), kept by admins and heads."""

    department = models.ForeignKey(
        "staff.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="targets"
    )
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to (inclusive)"))
    orders = models.PositiveIntegerField(_("orders"), null=True, blank=True)
    order_value = models.DecimalField(
        _("order value"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    upsell_conversion = models.DecimalField(
        _("upsell conversion, %"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_("Offers accepted per 100 offers made (III.7)."),
    )
    reactivated = models.PositiveIntegerField(_("dormant clients reactivated"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["department__name", "-period_start"]
        verbose_name = _("department target")
        verbose_name_plural = _("department targets")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="target_period_order"
            ),
            models.CheckConstraint(
                condition=Q(upsell_conversion__isnull=True)
                | Q(upsell_conversion__gte=0, upsell_conversion__lte=100),
                name="target_conversion_percent",
            ),
            models.CheckConstraint(
                condition=Q(order_value__isnull=True) | Q(order_value__gte=0),
                name="target_value_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.department}: {self.period_start} to {self.period_end}"

    def clean(self) -> None:
        from reports.rules import check_target

        errors = check_target(self)
        if errors:
            raise ValidationError(errors)


class ExportJob(models.Model):
    """A dashboard export (CSV, CSV for Excel or XLSX: calldesk.exporting) that runs as a task,
    with its progress for the bar."""

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        CSV_EXCEL = "csv-excel", _("CSV for Excel (semicolons, decimal commas)")
        XLSX = "xlsx", "XLSX"

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("what"), max_length=32)
    params = models.JSONField(_("filters"), default=dict)
    format = models.CharField(_("format"), max_length=16, choices=Format.choices)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    rows_total = models.PositiveIntegerField(_("rows in all"), default=0)
    rows_done = models.PositiveIntegerField(_("rows written"), default=0)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    content = models.BinaryField(_("file"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")

    def __str__(self) -> str:
        return f"{self.kind} {self.format} #{self.pk}"

    @property
    def progress(self) -> int:
        """Percent done, for the progress bar."""
        if self.status == self.Status.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(99, self.rows_done * 100 // self.rows_total)
