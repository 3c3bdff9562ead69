"""The call register (III.1, III.14), transfers (III.4, III.6, III.19), reference requests
(III.18), clients' comments and wishes (III.20), consultations with a head (III.11) and the shared
callback queue (III.22)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Call(models.Model):
    class Direction(models.TextChoices):
        INBOUND = "inbound", _("Inbound")
        OUTBOUND = "outbound", _("Outbound")

    class Purpose(models.TextChoices):
        ORDER = "order", _("Order")
        REFERENCE = "reference", _("Reference request")
        OTHER = "other", _("Other")

    class Outcome(models.TextChoices):
        ORDER_TAKEN = "order_taken", _("Order taken")
        TRANSFERRED = "transferred", _("Transferred")
        INFO_SENT = "info_sent", _("Information sent")
        FEEDBACK = "feedback", _("Feedback recorded")
        CONSULTED_HEAD = "consulted_head", _("Consulted the head")
        CALLBACK = "callback", _("Callback agreed")
        NO_ANSWER = "no_answer", _("No answer")
        DECLINED = "declined", _("Declined")

    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    phone = models.CharField(_("phone"), max_length=20, help_text=_("E.164"))
    client = models.ForeignKey(
        "clients.Client",
        verbose_name=_("client"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="calls",
    )
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("operator"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="calls",
    )
    started_at = models.DateTimeField(_("started at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    purpose = models.CharField(_("purpose"), max_length=10, choices=Purpose.choices, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    declined_reason = models.CharField(_("reason declined"), max_length=300, blank=True)
    transferred_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("transferred to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="calls_received",
    )
    transfer_reason = models.CharField(_("why transferred"), max_length=500, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    order = models.ForeignKey(
        "orders.Order",
        verbose_name=_("order"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="calls",
    )
    # What the desk advised when the call popped up (the routing decision, III.3-III.19).
    route_handler = models.CharField(_("route"), max_length=24, blank=True)
    route_user = models.CharField(_("routed to"), max_length=150, blank=True)
    route_clause = models.CharField(_("clause"), max_length=8, blank=True)
    route_reason = models.CharField(_("what the desk said"), max_length=500, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        indexes = [
            models.Index(fields=["operator", "-started_at"], name="call_operator_recent"),
            models.Index(fields=["client", "-started_at"], name="call_client_recent"),
            models.Index(fields=["-started_at"], name="call_recent"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("started_at")),
                name="call_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | ~Q(outcome=""), name="call_ended_has_outcome"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.phone} {self.started_at:%Y-%m-%d %H:%M}"

    def is_open(self) -> bool:
        return self.ended_at is None

    @property
    def handle_seconds(self) -> int | None:
        if self.ended_at is None:
            return None
        return int((self.ended_at - self.started_at).total_seconds())


class ReferenceRequest(models.Model):
    """Documents a client asked for (III.18, II.2), sent by e-mail through a task."""

    class Document(models.TextChoices):
        PRICE_LIST = "price_list", _("Price list at the client's column (XLSX and PDF)")
        ASSORTMENT = "assortment", _("Assortment")
        DELIVERY_TERMS = "delivery_terms", _("Delivery terms")
        CERTIFICATES = "certificates", _("Product certificates")

    call = models.ForeignKey(
        Call, verbose_name=_("call"), on_delete=models.CASCADE, related_name="references"
    )
    client = models.ForeignKey(
        "clients.Client",
        verbose_name=_("client"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    email = models.EmailField(_("e-mail"))
    documents = models.JSONField(_("documents"), default=list)
    skus = models.JSONField(_("products (certificates)"), default=list, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attachments = models.JSONField(_("attachments sent"), default=list, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("reference request")
        verbose_name_plural = _("reference requests")
        indexes = [
            models.Index(fields=["requested_at"], name="reference_unsent", condition=Q(sent_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.email}: {', '.join(self.documents)}"


class Feedback(models.Model):
    """A client's comment or wish, passed to the departments it concerns (III.20)."""

    call = models.ForeignKey(
        Call,
        verbose_name=_("call"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feedback",
    )
    client = models.ForeignKey(
        "clients.Client",
        verbose_name=_("client"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    text = models.TextField(_("what the client said"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name = _("comment or wish")
        verbose_name_plural = _("comments and wishes")

    def __str__(self) -> str:
        return self.text[:60]


class FeedbackRoute(models.Model):
    """One department's copy of a comment, with its own status in that department's inbox."""

    class Status(models.TextChoices):
        NEW = "new", _("New")
        SEEN = "seen", _("Seen")
        DONE = "done", _("Done")

    feedback = models.ForeignKey(
        Feedback, verbose_name=_("comment"), on_delete=models.CASCADE, related_name="routes"
    )
    department = models.ForeignKey(
        "staff.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="feedback"
    )
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.NEW)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), null=True, blank=True)

    class Meta:
        ordering = ["status", "-feedback__recorded_at"]
        verbose_name = _("department's comment")
        verbose_name_plural = _("departments' comments")
        constraints = [models.UniqueConstraint(fields=["feedback", "department"], name="feedbackroute_once")]
        indexes = [models.Index(fields=["department", "status"], name="feedbackroute_inbox")]

    def __str__(self) -> str:
        return f"{self.department_id}: {self.status}"


class Consultation(models.Model):
    """A non-standard situation taken to the head of a sales department (III.11)."""

    call = models.ForeignKey(
        Call,
        verbose_name=_("call"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consultations",
    )
    client = models.ForeignKey(
        "clients.Client",
        verbose_name=_("client"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    department = models.ForeignKey(
        "staff.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("head"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("asked by"), on_delete=models.PROTECT, related_name="+"
    )
    question = models.TextField(_("question"))
    asked_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        ordering = ["-asked_at", "-id"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        indexes = [
            models.Index(
                fields=["department", "asked_at"],
                name="consultation_open",
                condition=Q(answered_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return self.question[:60]


class Callback(models.Model):
    """A call to make back: agreed with a client, or an unanswered call; any free operator may
    take one from the shared queue (III.22)."""

    client = models.ForeignKey(
        "clients.Client",
        verbose_name=_("client"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    phone = models.CharField(_("phone"), max_length=20)
    due_at = models.DateTimeField(_("due at"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    origin = models.ForeignKey(
        Call, verbose_name=_("from call"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("taken by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    taken_at = models.DateTimeField(_("taken at"), null=True, blank=True)
    done_call = models.ForeignKey(
        Call,
        verbose_name=_("made in call"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("callback")
        verbose_name_plural = _("callbacks")
        indexes = [
            models.Index(fields=["due_at"], name="callback_waiting", condition=Q(taken_at__isnull=True))
        ]

    def __str__(self) -> str:
        return f"{self.phone} @ {self.due_at:%Y-%m-%d %H:%M}"
