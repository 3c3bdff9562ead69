"""The catalog, the price list by column, and orders with their lines."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


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
        return self.name


class Product(models.Model):
    sku = models.CharField(_("SKU"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    unit = models.CharField(_("unit"), max_length=20, default="pcs")
    pack = models.PositiveIntegerField(_("pack"), default=1, help_text=_("Units in one pack."))
    category = models.CharField(_("category"), max_length=100, blank=True)
    active = models.BooleanField(_("active"), default=True)
    new_until = models.DateField(
        _("new until"), null=True, blank=True, help_text=_("Offered as new (III.7).")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("product")
        verbose_name_plural = _("products")

    def __str__(self) -> str:
        return f"{self.sku} {self.name}"


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


class OrderNumberSequence(models.Model):
    """The last order number given out in a year; numbers are `YYYY-NNNNNN`, without gaps."""

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    last_value = models.PositiveIntegerField(_("last value"), default=0)

    class Meta:
        verbose_name = _("order number sequence")
        verbose_name_plural = _("order number sequences")

    def __str__(self) -> str:
        return f"{self.year}: {self.last_value}"


class Order(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        CONFIRMED = "confirmed", _("Confirmed")
        IN_FULFILMENT = "in_fulfilment", _("In fulfilment")
        DELIVERED = "delivered", _("Delivered")
        CANCELLED = "cancelled", _("Cancelled")

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
    total = models.DecimalField(_("total"), max_digits=14, decimal_places=2, default=Decimal("0.00"))
    delivery_date = models.DateField(_("delivery date"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        indexes = [
            models.Index(fields=["client", "-created_at"], name="order_client_recent"),
            models.Index(fields=["status", "-created_at"], name="order_status_recent"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(total__gte=0), name="order_total_not_negative"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(number__isnull=False, confirmed_at__isnull=False),
                name="order_confirmed_has_number",
            ),
        ]

    def __str__(self) -> str:
        return self.number or _("Draft #%(id)s") % {"id": self.pk}


class OrderLine(models.Model):
    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3)
    unit_price = models.DecimalField(_("unit price"), max_digits=12, decimal_places=2)
    total = models.DecimalField(_("total"), max_digits=14, decimal_places=2)

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
