"""Clients, their types, phones, contacts and receivables, and the history of client changes."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from calldesk.search import normalise
from staff.models import Department, User

# The names the reference migrations seed, marked for the catalogues (shown through __str__).
CLIENT_TYPE_NAMES = (
    gettext_noop("Market"),
    gettext_noop("Key client"),
    gettext_noop("Own outlet"),
    gettext_noop("Retail"),
    gettext_noop("Regional"),
)


class ClientType(models.Model):
    """A client type (III.2) with the department it belongs to and the rules that apply."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="client_types"
    )
    operator_takes_orders = models.BooleanField(
        _("operator takes orders"),
        default=True,
        help_text=_("Off for key clients, whose orders go to their key-account manager (III.3, III.4)."),
    )
    watch_dormancy = models.BooleanField(
        _("watched for dormancy"), default=False, help_text=_("Put on the nightly dormant list (III.16).")
    )
    regional_terms = models.BooleanField(
        _("regional terms"), default=False, help_text=_("Payment form and pick-up or shipping (III.13).")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("client type")
        verbose_name_plural = _("client types")

    def __str__(self) -> str:
        """The name in the reader's language while it is the one the migrations seeded
        (types); a name an admin wrote is shown as written."""
        return gettext(self.name)


def language_choices() -> list[tuple[str, str]]:
    """The desk's languages (settings.LANGUAGES), read when asked, so that a language added to
    the settings needs no migration."""
    return list(settings.LANGUAGES)


# The clients are Russian shops and buyers (DOMAIN.md, "Around the job"): what they receive is in
# Russian unless their card says otherwise.
CLIENT_DEFAULT_LANGUAGE = "ru"


class Client(models.Model):
    """A client of the distributor: a shop, a market stall, an outlet, a chain, a regional buyer."""

    name = models.CharField(_("name"), max_length=200)
    tax_id = models.CharField(_("tax id"), max_length=20, unique=True)
    type = models.ForeignKey(
        ClientType, verbose_name=_("type"), on_delete=models.PROTECT, related_name="clients"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="clients"
    )
    manager = models.ForeignKey(
        User,
        verbose_name=_("manager"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="managed_clients",
    )
    region = models.CharField(_("region"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    credit_limit = models.DecimalField(
        _("credit limit"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Empty: no limit is set. 0.00: no credit."),
    )
    payment_terms_days = models.PositiveSmallIntegerField(_("payment terms, days"), default=0)
    # III.10: a key or contract client's own column, which the discount rules of its type do not
    # move; the reason (the contract, who agreed it) is shown wherever the column is.
    price_column = models.ForeignKey(
        "orders.PriceColumn",
        verbose_name=_("fixed price column"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: the discount rules of the client's type choose the column (III.10)."),
    )
    price_column_reason = models.CharField(
        _("why this column is fixed"),
        max_length=200,
        blank=True,
        help_text=_("E.g. the contract that fixes it; shown on every order of the client."),
    )
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=language_choices,
        default=CLIENT_DEFAULT_LANGUAGE,
        help_text=_("The language of the documents and e-mails the client receives (II.2, III.18)."),
    )
    email = models.EmailField(
        _("e-mail"), blank=True, help_text=_("Where the client's order forms and documents go.")
    )
    order_form_by_email = models.BooleanField(
        _("order form by e-mail"),
        default=False,
        help_text=_("Send the client the order form of every confirmed order (DOMAIN.md, “Around the job”)."),
    )
    joined_on = models.DateField(_("joined on"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_order_on = models.DateField(
        _("last order on"),
        null=True,
        blank=True,
        help_text=_("The day of the last confirmed order, kept current on confirmation (III.16)."),
    )
    # The name and tax id as the desk's search reads them (calldesk.search, III.1); every writer
    # of a name or tax id calls set_search_text.
    search_text = models.TextField(_("search text"), blank=True, default="", editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        indexes = [
            models.Index(fields=["department", "manager"], name="client_department_manager"),
            models.Index(fields=["type"], name="client_type"),
            models.Index(fields=["type", "last_order_on"], name="client_type_last_order"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(credit_limit__isnull=True) | Q(credit_limit__gte=0),
                name="client_credit_limit_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(price_column__isnull=True) | ~Q(price_column_reason=""),
                name="client_fixed_column_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def set_search_text(self) -> None:
        self.search_text = normalise(self.name, self.tax_id)


class ClientPhone(models.Model):
    """A client's phone, stored normalised to E.164 so the exchange's caller id finds it."""

    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="phones"
    )
    number = models.CharField(
        _("number"), max_length=20, unique=True, help_text=_("E.164, e.g. +74951234567")
    )
    label = models.CharField(_("label"), max_length=50, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("phone")
        verbose_name_plural = _("phones")

    def __str__(self) -> str:
        return self.number


class Receivable(models.Model):
    """An invoice imported from accounting: what the client owes and by when (III.5)."""

    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.PROTECT, related_name="receivables"
    )
    document = models.CharField(_("document"), max_length=50, unique=True)
    issued_on = models.DateField(_("issued on"))
    due_on = models.DateField(_("due on"))
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    paid = models.DecimalField(_("paid"), max_digits=14, decimal_places=2, default=Decimal("0.00"))

    class Meta:
        ordering = ["due_on", "document"]
        verbose_name = _("receivable")
        verbose_name_plural = _("receivables")
        indexes = [
            # The debt check sums one client's unpaid invoices by due date.
            models.Index(
                fields=["client", "due_on"],
                name="receivable_unpaid_by_due",
                condition=Q(paid__lt=F("amount")),
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="receivable_amount_not_negative"),
            models.CheckConstraint(condition=Q(paid__gte=0), name="receivable_paid_not_negative"),
            models.CheckConstraint(
                condition=Q(due_on__gte=F("issued_on")), name="receivable_due_after_issue"
            ),
        ]

    def __str__(self) -> str:
        return self.document

    @property
    def unpaid(self) -> Decimal:
        return self.amount - self.paid


class Contact(models.Model):
    """A person at the client: who orders, who is authorised to receive goods (III.12)."""

    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=150)
    position = models.CharField(_("position"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, help_text=_("E.164"))
    email = models.EmailField(_("e-mail"), blank=True)
    may_receive_goods = models.BooleanField(_("authorised to receive goods"), default=False)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return self.name


class DeliveryAddress(models.Model):
    """One of a client's delivery addresses (III.12, III.13): a shop, a stall, a warehouse, with
    the contacts authorised to receive goods there. At most one is the default."""

    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="delivery_addresses"
    )
    address = models.CharField(_("address"), max_length=300)
    region = models.CharField(_("region"), max_length=100, blank=True)
    notes = models.CharField(
        _("notes"),
        max_length=300,
        blank=True,
        help_text=_("Entrance, unloading hours, what the driver needs."),
    )
    is_default = models.BooleanField(_("default"), default=False)
    receivers = models.ManyToManyField(
        Contact,
        verbose_name=_("authorised receivers"),
        blank=True,
        related_name="delivery_addresses",
        limit_choices_to={"may_receive_goods": True},
        help_text=_("Contacts authorised to receive goods at this address (III.12)."),
    )

    class Meta:
        ordering = ["-is_default", "address", "id"]
        verbose_name = _("delivery address")
        verbose_name_plural = _("delivery addresses")
        constraints = [
            models.UniqueConstraint(
                fields=["client"], condition=Q(is_default=True), name="deliveryaddress_one_default"
            ),
        ]

    def __str__(self) -> str:
        return self.address


class ClientChange(models.Model):
    """One change of a client's type, manager, credit limit or payment terms: who, when, old,
    new (III.2, III.15). Written by the services in the same transaction; never edited."""

    class Field(models.TextChoices):
        TYPE = "type", _("Type")
        MANAGER = "manager", _("Manager")
        CREDIT_LIMIT = "credit_limit", _("Credit limit")
        PAYMENT_TERMS = "payment_terms_days", _("Payment terms, days")
        PRICE_COLUMN = "price_column", _("Fixed price column")

    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="changes"
    )
    field = models.CharField(_("field"), max_length=32, choices=Field.choices)
    old_value = models.CharField(_("old value"), max_length=200, blank=True)
    new_value = models.CharField(_("new value"), max_length=200, blank=True)
    changed_by = models.ForeignKey(
        User, verbose_name=_("changed by"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = _("client change")
        verbose_name_plural = _("client changes")
        indexes = [models.Index(fields=["client", "-changed_at"], name="clientchange_client_recent")]

    def __str__(self) -> str:
        return f"{self.client_id} {self.field}: {self.old_value} → {self.new_value}"
