"""The catalog, the price list by column, and orders with their lines."""

from __future__ import annotations

from decimal import Decimal
from enum import nonmember

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from calldesk.search import normalise

# The names the reference migrations seed, marked for the catalogues (shown through __str__).
PRICE_COLUMN_NAMES = (
    gettext_noop("Base"),
    gettext_noop("Column 2"),
    gettext_noop("Column 3"),
    gettext_noop("Column 4"),
)


class PriceColumn(models.Model):
    """A column of the price list: `base` and the discount columns (III.10)."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveSmallIntegerField(_("position"), unique=True)

    class Meta:
        ordering = ["position"]
        verbose_name = _("price column")
        verbose_name_plural = _("price columns")

    def __str__(self) -> str:
        """The name in the reader's language while it is the one the migrations seeded
        (columns); a name an admin wrote is shown as written."""
        return gettext(self.name)


class Product(models.Model):
    sku = models.CharField(_("SKU"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    unit = models.CharField(_("unit"), max_length=20, default="pcs")
    pack = models.PositiveIntegerField(_("pack"), default=1, help_text=_("Units in one pack."))
    # What a line may hold (orders.rules.quantity_refusal): at least `min_quantity` units, whole
    # packs only when `whole_packs`, whole pieces unless `unit` is a measure (kg, л).
    min_quantity = models.DecimalField(
        _("minimum quantity"),
        max_digits=12,
        decimal_places=3,
        default=Decimal("0.000"),
        help_text=_("The least quantity of one order line, in units; 0: no minimum."),
    )
    whole_packs = models.BooleanField(
        _("sold by whole packs"), default=False, help_text=_("A line's quantity is a multiple of the pack.")
    )
    # VAT (НДС) in per cent: one of settings.CALLDESK_VAT_RATES (orders.rules.vat_rate_problem)
    vat_rate = models.PositiveSmallIntegerField(_("VAT rate, %"), default=20)
    category = models.CharField(_("category"), max_length=100, blank=True)
    active = models.BooleanField(_("active"), default=True)
    new_until = models.DateField(
        _("new until"), null=True, blank=True, help_text=_("Offered as new (III.7).")
    )
    # The SKU and name as product search reads them (calldesk.search, II.2, III.18); every
    # writer of a SKU or name calls set_search_text.
    search_text = models.TextField(_("search text"), blank=True, default="", editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        constraints = [
            models.CheckConstraint(condition=Q(vat_rate__lte=100), name="product_vat_rate_percent"),
            models.CheckConstraint(
                condition=Q(min_quantity__gte=0), name="product_min_quantity_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sku} {self.name}"

    def set_search_text(self) -> None:
        self.search_text = normalise(self.sku, self.name)


class Price(models.Model):
    """The price of one product in one column."""

    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="prices"
    )
    column = models.ForeignKey(
        PriceColumn, verbose_name=_("column"), on_delete=models.PROTECT, related_name="prices"
    )
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["product", "column__position"]
        verbose_name = _("price")
        verbose_name_plural = _("prices")
        constraints = [
            models.UniqueConstraint(fields=["product", "column"], name="price_one_per_product_column"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="price_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.product.sku} {self.column.code}: {self.amount}"


class ProductCertificate(models.Model):
    """A certificate of a product (quality, conformity), sent on request (III.18)."""

    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="certificates"
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="certificates/%Y/")
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        ordering = ["product", "title"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")

    def __str__(self) -> str:
        return self.title


class ChangedBy(models.Model):
    """Who made a recorded change and when. Rows are written by the services in the change's own
    transaction and never edited."""

    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        abstract = True


class Source:
    """Through which door a price or a rule changed (`Recorded.source`)."""

    ADMIN = "admin"
    API = "api"
    IMPORT = "import"


class Recorded(ChangedBy):
    """... and through which door (`Source`: admin, API, import)."""

    source = models.CharField(_("source"), max_length=20, blank=True, help_text=_("admin, api, import"))

    class Meta:
        abstract = True


class PriceChange(Recorded):
    """One change of one price: who, when, old, new. Written by the price-list services."""

    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="+"
    )
    column = models.ForeignKey(
        PriceColumn, verbose_name=_("column"), on_delete=models.PROTECT, related_name="+"
    )
    old_amount = models.DecimalField(_("old amount"), max_digits=12, decimal_places=2, null=True, blank=True)
    new_amount = models.DecimalField(_("new amount"), max_digits=12, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = _("price change")
        verbose_name_plural = _("price changes")
        indexes = [models.Index(fields=["product", "-changed_at"], name="pricechange_product_recent")]

    def __str__(self) -> str:
        return f"{self.product_id}/{self.column_id}: {self.old_amount} → {self.new_amount}"


class DiscountRule(models.Model):
    """Which price column applies (III.10): among active rules whose client types include the
    client's type (or are empty) and whose minimum subtotal at base prices is reached, the one
    with the highest priority (ties: the larger discount); none: `base`."""

    name = models.CharField(_("name"), max_length=100, blank=True)
    column = models.ForeignKey(
        PriceColumn, verbose_name=_("column"), on_delete=models.PROTECT, related_name="rules"
    )
    client_types = models.ManyToManyField(
        "clients.ClientType", verbose_name=_("client types"), blank=True, help_text=_("Empty: every type.")
    )
    min_subtotal = models.DecimalField(
        _("minimum subtotal at base prices"), max_digits=14, decimal_places=2, default=Decimal("0.00")
    )
    priority = models.IntegerField(_("priority"), default=10)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-priority", "min_subtotal"]
        verbose_name = _("discount rule")
        verbose_name_plural = _("discount rules")
        constraints = [
            models.CheckConstraint(
                condition=Q(min_subtotal__gte=0), name="discountrule_min_subtotal_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="discountrule_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name or f"{self.column} ≥ {self.min_subtotal}"


class Special(models.Model):
    """A special item named by commercial management (III.7, III.23), offered on every order of
    the client types it is for, during its period. Its `kind` says how it changes the price of
    the line it is accepted on (orders.rules.price_line); without a kind it is a note the
    operator reads out and changes nothing."""

    class Kind(models.TextChoices):
        SPECIAL_PRICE = "special_price", _("Special price")
        PERCENT_OFF = "percent_off", _("Percentage off")
        N_FOR_M = "n_for_m", _("N for the price of M")
        FREE_PER_N = "free_per_n", _("One free per N bought")

    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="specials"
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    client_types = models.ManyToManyField(
        "clients.ClientType", verbose_name=_("client types"), blank=True, help_text=_("Empty: every type.")
    )
    note = models.CharField(_("what to say"), max_length=300, help_text=_("A line the operator reads out."))
    kind = models.CharField(
        _("kind"), max_length=16, choices=Kind.choices, blank=True, help_text=_("Empty: a note only.")
    )
    special_price = models.DecimalField(
        _("special price"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    percent = models.DecimalField(_("percentage off"), max_digits=5, decimal_places=2, null=True, blank=True)
    buy = models.PositiveSmallIntegerField(
        _("N (units taken)"),
        null=True,
        blank=True,
        help_text=_("N for the price of M; one free per N bought."),
    )
    pay = models.PositiveSmallIntegerField(
        _("M (units paid)"), null=True, blank=True, help_text=_("N for the price of M.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = _("special")
        verbose_name_plural = _("specials")
        indexes = [models.Index(fields=["valid_from", "valid_to"], name="special_period")]
        constraints = [
            models.CheckConstraint(condition=Q(valid_to__gte=F("valid_from")), name="special_period_ordered"),
            models.CheckConstraint(
                condition=Q(special_price__isnull=True) | Q(special_price__gte=0),
                name="special_price_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(percent__isnull=True) | Q(percent__gt=0, percent__lt=100),
                name="special_percent_between_0_and_100",
            ),
            models.CheckConstraint(
                condition=Q(pay__isnull=True) | Q(pay__gte=1, buy__gt=F("pay")),
                name="special_buy_more_than_pay",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product} ({self.valid_from} to {self.valid_to})"

    def terms(self) -> str:
        """The promotion in words ("3 for the price of 2", "7 % off"); "" for a note."""
        from orders.rules import promotion_words

        return promotion_words(
            self.kind, special_price=self.special_price, percent=self.percent, buy=self.buy, pay=self.pay
        )


class RuleChange(Recorded):
    """One change of a discount rule (III.10) or a special (III.7, III.23): who, when, which
    field, old and new value, and from where. Created, changed, deactivated and deleted rules
    each leave one row per field; the rows outlive the rule, so they name it by kind, id and a
    label rather than by a foreign key. Written only by `orders.promotions`, in the same
    transaction as the change; never edited (III.26)."""

    class Kind(models.TextChoices):
        DISCOUNT_RULE = "discount_rule", _("Discount rule")
        SPECIAL = "special", _("Special")

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        CHANGED = "changed", _("Changed")
        DEACTIVATED = "deactivated", _("Deactivated")
        DELETED = "deleted", _("Deleted")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    object_id = models.PositiveIntegerField(_("id"))
    label = models.CharField(_("rule or special"), max_length=300)
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)
    field = models.CharField(_("field"), max_length=32)
    old_value = models.TextField(_("old value"), blank=True)
    new_value = models.TextField(_("new value"), blank=True)

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = _("rule or special change")
        verbose_name_plural = _("rule and special changes")
        indexes = [models.Index(fields=["kind", "object_id", "-changed_at"], name="rulechange_object_recent")]

    def __str__(self) -> str:
        return f"{self.label} {self.field}: {self.old_value} → {self.new_value}"


class OrderNumberSequence(models.Model):
    """The last order number given out in a year; numbers are `YYYY-NNNNNN`, without gaps."""

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    last_value = models.PositiveIntegerField(_("last value"), default=0)

    class Meta:
        verbose_name = _("order number sequence")
        verbose_name_plural = _("order number sequences")

    def __str__(self) -> str:
        return f"{self.year}: {self.last_value}"


class PaymentForm(models.TextChoices):
    PREPAYMENT = "prepayment", _("Prepayment")
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    CASH_ON_DELIVERY = "cash_on_delivery", _("Cash on delivery")


class Fulfilment(models.TextChoices):
    PICKUP = "pickup", _("Pick-up in the capital")
    SHIPPING = "shipping", _("Shipping")


class CancelReason(models.TextChoices):
    """Why an order was cancelled (section VI: errors as the job means them). Every door that
    cancels (the screen, the API, admin) takes one of these codes, with free text beside it."""

    OUT_OF_STOCK = "out_of_stock", _("Out of stock")
    CLIENT_REFUSED = "client_refused", _("The client refused")
    PRICE_ERROR = "price_error", _("Price error in the price list")
    WRONG_QUANTITY = "wrong_quantity", _("Wrong quantity taken")
    WRONG_PRODUCT = "wrong_product", _("Wrong product taken")
    WRONG_TERMS = "wrong_terms", _("Wrong delivery terms taken")
    DUPLICATE = "duplicate", _("Duplicate order")
    OTHER = "other", _("Other")

    # The operator's own mistakes: only these count as the operator's errors in the reports
    # (section VI). Stock, the client's change of mind and the price list are not the operator's.
    OPERATORS_MISTAKES = nonmember(frozenset({"wrong_quantity", "wrong_product", "wrong_terms", "duplicate"}))

    @property
    def is_operators_mistake(self) -> bool:
        return self.value in CancelReason.OPERATORS_MISTAKES


class Order(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        CONFIRMED = "confirmed", _("Confirmed")
        IN_FULFILMENT = "in_fulfilment", _("In fulfilment")
        DELIVERED = "delivered", _("Delivered")
        CANCELLED = "cancelled", _("Cancelled")

        # The sets of statuses the rules read, named once (not members, so not choices):
        # open: confirmed and not yet delivered, counted against the credit limit (III.5, III.9);
        OPEN = nonmember(frozenset({"confirmed", "in_fulfilment"}))
        # sold: confirmed and never cancelled, what a client buys (III.7, III.8).
        SOLD = nonmember(frozenset({"confirmed", "in_fulfilment", "delivered"}))

    number = models.CharField(_("number"), max_length=12, unique=True, null=True, blank=True)
    client = models.ForeignKey(
        "clients.Client", verbose_name=_("client"), on_delete=models.PROTECT, related_name="orders"
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    column = models.ForeignKey(
        PriceColumn, verbose_name=_("price column"), on_delete=models.PROTECT, null=True, blank=True
    )
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("taken by"),
        on_delete=models.PROTECT,
        related_name="orders_taken",
    )
    created_at = models.DateTimeField(_("created at"))
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    column_reason = models.CharField(_("why this column"), max_length=300, blank=True)
    base_subtotal = models.DecimalField(
        _("subtotal at base prices"), max_digits=14, decimal_places=2, default=Decimal("0.00")
    )
    total = models.DecimalField(_("total"), max_digits=14, decimal_places=2, default=Decimal("0.00"))
    # The warehouse that serves the client's region and ships the order: what it has in stock
    # limits the lines, and while confirmed and not delivered the order reserves it (III.12).
    warehouse = models.ForeignKey(
        "warehouse.Warehouse",
        verbose_name=_("warehouse"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
    )
    # The VAT in the total: the sum of the lines' VAT, each rounded to the kopeck
    vat = models.DecimalField(_("VAT"), max_digits=14, decimal_places=2, default=Decimal("0.00"))
    # Delivery (III.12)
    delivery_date = models.DateField(_("delivery date"), null=True, blank=True)
    delivery_window = models.CharField(_("time window"), max_length=40, blank=True)
    receiver_name = models.CharField(_("receiver"), max_length=150, blank=True)
    receiver_phone = models.CharField(_("receiver's phone"), max_length=20, blank=True)
    delivery_address = models.CharField(_("delivery address"), max_length=300, blank=True)
    # Regional terms (III.13)
    payment_form = models.CharField(_("payment form"), max_length=20, choices=PaymentForm.choices, blank=True)
    fulfilment = models.CharField(_("fulfilment"), max_length=10, choices=Fulfilment.choices, blank=True)
    pickup_at = models.DateTimeField(_("pick-up at"), null=True, blank=True)
    shipping_address = models.CharField(_("shipping address"), max_length=300, blank=True)
    carrier = models.CharField(_("carrier"), max_length=150, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # An authorised exception past the debt and credit checks (III.6, III.11)
    exception_reason = models.CharField(_("exception reason"), max_length=500, blank=True)
    exception_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("exception authorised by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    exception_at = models.DateTimeField(_("exception authorised at"), null=True, blank=True)
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    cancel_code = models.CharField(
        _("cancellation reason"), max_length=20, choices=CancelReason.choices, blank=True
    )
    cancel_reason = models.CharField(_("cancellation note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        permissions = [("change_order_status", _("Can move orders along (the warehouse)"))]
        indexes = [
            models.Index(fields=["client", "-created_at"], name="order_client_recent"),
            models.Index(fields=["status", "-created_at"], name="order_status_recent"),
            # The daily reports read a day's confirmations and cancellations (III.14, section VI).
            models.Index(fields=["confirmed_at"], name="order_confirmed_on"),
            models.Index(fields=["status_changed_at"], name="order_status_changed_on"),
            # A client's open orders, summed by every debt check (III.5, III.9): a few rows
            # of the client's whole history, read without touching the rest.
            models.Index(
                fields=["client"],
                name="order_open_by_client",
                # an OR of equalities, which PostgreSQL prints back the way it reads it (so the
                # bench loader re-creates it exactly); it serves `status IN (...)` all the same.
                # Status.OPEN, spelled out (Meta cannot see it; a test holds the two equal).
                condition=models.Q(status="confirmed") | models.Q(status="in_fulfilment"),
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(total__gte=0), name="order_total_not_negative"),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "cancelled"])
                | Q(number__isnull=False, confirmed_at__isnull=False),
                name="order_confirmed_has_number",
            ),
        ]

    def __str__(self) -> str:
        return self.number or _("Draft #%(id)s") % {"id": self.pk}

    def is_editable(self) -> bool:
        """Only a draft takes lines, offers and terms; a confirmed order is never re-opened."""
        return self.status == self.Status.DRAFT

    def has_exception(self) -> bool:
        return self.exception_by_id is not None

    @property
    def net(self) -> Decimal:
        """The order without VAT."""
        return self.total - self.vat


class OrderChange(ChangedBy):
    """One change of an order from its confirmation on (III.14): the status (confirmed, in
    fulfilment, delivered, cancelled with the reason) and authorised exceptions (III.6, III.11),
    with who and when. A confirmed order takes no other edit (`Order.is_editable`). Written by
    `orders.services` in the same transaction as the change, whatever the door; never edited."""

    class Field(models.TextChoices):
        STATUS = "status", _("Status")
        EXCEPTION = "exception", _("Authorised exception")

    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="changes"
    )
    field = models.CharField(_("field"), max_length=16, choices=Field.choices)
    old_value = models.CharField(_("old value"), max_length=500, blank=True)
    new_value = models.CharField(_("new value"), max_length=500, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = _("order change")
        verbose_name_plural = _("order changes")
        indexes = [models.Index(fields=["order", "-changed_at"], name="orderchange_order_recent")]

    def __str__(self) -> str:
        return f"{self.order_id} {self.field}: {self.old_value} → {self.new_value}"


class OrderLine(models.Model):
    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3)
    unit_price = models.DecimalField(_("unit price"), max_digits=12, decimal_places=2)
    # The price at the order's column before any promotion (III.10): what `saving` is counted from.
    list_price = models.DecimalField(
        _("list price"), max_digits=12, decimal_places=2, default=Decimal("0.00")
    )
    base_price = models.DecimalField(
        _("base price"), max_digits=12, decimal_places=2, default=Decimal("0.00")
    )
    # With VAT, what the client pays for the line; `vat` is the VAT in it at `vat_rate` (the
    # product's when the line was written), rounded to the kopeck (orders.rules.line_money).
    total = models.DecimalField(_("total"), max_digits=14, decimal_places=2)
    vat_rate = models.PositiveSmallIntegerField(_("VAT rate, %"), default=20)
    vat = models.DecimalField(_("VAT"), max_digits=14, decimal_places=2, default=Decimal("0.00"))
    # The promotion applied when the line was priced (III.23; Special.Kind, empty: none) and what
    # it saved the client against the line at its column's price, in roubles.
    promotion = models.CharField(_("promotion"), max_length=16, blank=True)
    saving = models.DecimalField(_("saving"), max_digits=14, decimal_places=2, default=Decimal("0.00"))
    special = models.ForeignKey(
        Special, verbose_name=_("special"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        indexes = [models.Index(fields=["product", "order"], name="orderline_product_order")]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="orderline_quantity_positive"),
            models.UniqueConstraint(fields=["order", "product"], name="orderline_one_per_product"),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} x {self.quantity}"

    @property
    def net(self) -> Decimal:
        """The line without VAT."""
        return self.total - self.vat


class DeclineReason(models.Model):
    """Why a client declines an offered item (III.7; "Around the job": the client base records
    the reason a client refuses): a short pick-list kept in admin, in the desk's three languages.
    The operator picks one or writes the reason in free text."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name (English)"), max_length=100)
    name_ru = models.CharField(_("name (Russian)"), max_length=100, blank=True)
    name_ro = models.CharField(_("name (Romanian)"), max_length=100, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("reason an offer is declined")
        verbose_name_plural = _("reasons offers are declined")

    def __str__(self) -> str:
        return self.label()

    def label(self, language: str | None = None) -> str:
        """The name in `language` (the active one by default), English when it has none there."""
        from django.utils.translation import get_language

        language = (language or get_language() or "en")[:2]
        return {"ru": self.name_ru, "ro": self.name_ro}.get(language, "") or self.name

    def names(self) -> set[str]:
        """Every name it goes by, folded, for a reason typed in words (orders.services)."""
        return {name.casefold() for name in (self.name, self.name_ru, self.name_ro) if name}


class Offer(models.Model):
    """An extra item offered on an order (III.7), accepted or declined with a reason."""

    class Reason(models.TextChoices):
        NEW = "new", _("New product")
        SPECIAL = "special", _("Special")
        TRADITIONAL = "traditional", _("Traditional for the client")
        ASSORTMENT = "assortment", _("Assortment advice")
        OTHER = "other", _("Other")

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="offers")
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Reason.choices, default=Reason.OTHER)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3, null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True, help_text=_("Why it was declined."))
    decline_reason = models.ForeignKey(
        DeclineReason,
        verbose_name=_("reason from the list"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("offered by"), on_delete=models.PROTECT, related_name="+"
    )
    offered_at = models.DateTimeField(_("offered at"), auto_now_add=True)

    class Meta:
        ordering = ["offered_at", "id"]
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        constraints = [models.UniqueConstraint(fields=["order", "product"], name="offer_one_per_product")]
        indexes = [models.Index(fields=["offered_at"], name="offer_made_on")]

    def __str__(self) -> str:
        return f"{self.product_id}: {self.outcome}"


class ConfirmRequest(models.Model):
    """The answer given to a confirm with an Idempotency-Key: the same key gets the same answer."""

    key = models.CharField(_("idempotency key"), max_length=200)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="+")
    status = models.PositiveSmallIntegerField(_("status"))
    body = models.JSONField(_("body"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("confirm request")
        verbose_name_plural = _("confirm requests")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="confirmrequest_one_per_key")]

    def __str__(self) -> str:
        return self.key


class TypeFavourite(models.Model):
    """What clients of a type bought most in the year before `built_on`: the "traditional" and
    "assortment" suggestions (III.7, III.8) read these few rows instead of a year of every such
    client's order lines. Rebuilt each night (`orders.favourites.rebuild_type_favourites`)."""

    client_type = models.ForeignKey(
        "clients.ClientType", verbose_name=_("client type"), on_delete=models.CASCADE, related_name="+"
    )
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="+"
    )
    orders = models.PositiveIntegerField(_("orders in a year"))
    usual_quantity = models.DecimalField(_("usual quantity"), max_digits=12, decimal_places=3, null=True)
    rank = models.PositiveSmallIntegerField(_("rank"))
    built_on = models.DateField(_("built on"))

    class Meta:
        ordering = ["client_type", "rank"]
        verbose_name = _("favourite of a client type")
        verbose_name_plural = _("favourites of client types")
        constraints = [
            models.UniqueConstraint(fields=["client_type", "product"], name="typefavourite_once"),
            models.UniqueConstraint(fields=["client_type", "rank"], name="typefavourite_rank"),
        ]

    def __str__(self) -> str:
        return f"{self.client_type_id}: {self.product_id} ({self.orders})"


class OrderFormMail(models.Model):
    """The order form of a confirmed order, to e-mail to the client (DOMAIN.md, “Around the job”:
    the client, the address, what was agreed and the date), in the client's language.

    Written in the confirmation's transaction, so it is never lost: a task sends it after the
    commit, and the sweep (beat, every minute) sends whatever a down broker or a failed e-mail
    left unsent. Sending locks the row and checks `sent_at` first, so it goes out once."""

    order = models.OneToOneField(
        Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="form_mail"
    )
    email = models.EmailField(_("e-mail"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("order form e-mail")
        verbose_name_plural = _("order form e-mails")
        indexes = [
            models.Index(fields=["requested_at"], name="orderform_unsent", condition=Q(sent_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.order_id} → {self.email}"
