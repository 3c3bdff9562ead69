"""Messages to staff: the outbox (written with the business transaction, delivered after it),
the in-app inbox, and the heartbeat of the workers that deliver them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """The last time a Celery worker ran the heartbeat task; /api/v1/health reads it."""

    worker = models.CharField(_("worker"), max_length=200, primary_key=True)
    seen_at = models.DateTimeField(_("seen at"))

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return f"{self.worker} @ {self.seen_at:%Y-%m-%d %H:%M:%S}"


class OutboxMessage(models.Model):
    """A message to deliver after a transaction commits (III.14: nothing is lost).

    Written in the same transaction as what it tells about; a Celery task delivers it (inbox and
    e-mail) and stamps `delivered_at`, so a broker that is down when the order is confirmed only
    delays delivery: the sweep task picks up every row still undelivered. Delivery is idempotent.
    """

    class Kind(models.TextChoices):
        ORDER_CONFIRMED = "order_confirmed", _("Order confirmed")
        CALL_TRANSFERRED = "call_transferred", _("Call transferred")
        CONSULTATION = "consultation", _("Consultation with a head")
        FEEDBACK = "feedback", _("Client's comment")

    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="+"
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"))
    link = models.CharField(_("link"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        indexes = [
            models.Index(
                fields=["created_at"],
                name="outbox_undelivered",
                condition=models.Q(delivered_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return self.subject


class InboxMessage(models.Model):
    """A message in a member of staff's in-app inbox; one per outbox message, at most."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="inbox"
    )
    outbox = models.OneToOneField(
        OutboxMessage,
        verbose_name=_("outbox message"),
        on_delete=models.CASCADE,
        null=True,
        related_name="inbox",
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"))
    link = models.CharField(_("link"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("inbox message")
        verbose_name_plural = _("inbox messages")
        indexes = [models.Index(fields=["recipient", "-created_at"], name="inbox_recipient_recent")]

    def __str__(self) -> str:
        return self.subject
