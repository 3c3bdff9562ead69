"""Warehouses, the regions each serves, their stock (III.12: what the order may promise), and the
production calendar of working days the delivery dates follow (III.12).

Stock is what the warehouse system last reported for a product in a warehouse (`PUT /stock`);
what an order may still take is that less what confirmed orders not yet delivered reserve
(`warehouse.stock`). The calendar keeps only the days that differ from the usual week (public
holidays, days off moved, Saturdays worked); any other day is a working day from Monday to
Friday (`warehouse.calendar`)."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def region_key(region: str) -> str:
    """A region as the mapping matches it: spaces collapsed, any case, ё as е."""
    return " ".join(str(region or "").split()).casefold().replace("ё", "е")


class Warehouse(models.Model):
    code = models.SlugField(_("code"), max_length=32, unique=True, allow_unicode=True)
    name = models.CharField(_("name"), max_length=100)
    cut_off = models.TimeField(
        _("cut-off time"),
        null=True,
        blank=True,
        help_text=_(
            "An order confirmed after this time (or on a day off) is delivered one working day later. "
            "Empty: no cut-off."
        ),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("warehouse")
        verbose_name_plural = _("warehouses")

    def __str__(self) -> str:
        return self.name


class RegionWarehouse(models.Model):
    """The one warehouse that serves the clients of a region (`Client.region`, matched in any
    case). A region with no row is served by the default warehouse (settings)."""

    region = models.CharField(_("region"), max_length=100)
    key = models.CharField(max_length=100, unique=True, editable=False)
    warehouse = models.ForeignKey(
        Warehouse, verbose_name=_("warehouse"), on_delete=models.PROTECT, related_name="regions"
    )

    class Meta:
        ordering = ["region"]
        verbose_name = _("region served")
        verbose_name_plural = _("regions served")

    def __str__(self) -> str:
        return f"{self.region} → {self.warehouse}"

    def save(self, *args, **kwargs):
        self.key = region_key(self.region)
        super().save(*args, **kwargs)


class Stock(models.Model):
    """A product's quantity in a warehouse, as the warehouse system last reported it."""

    warehouse = models.ForeignKey(
        Warehouse, verbose_name=_("warehouse"), on_delete=models.CASCADE, related_name="stock"
    )
    product = models.ForeignKey(
        "orders.Product", verbose_name=_("product"), on_delete=models.CASCADE, related_name="+"
    )
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3, default=Decimal("0"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["warehouse", "product"]
        verbose_name = _("stock")
        verbose_name_plural = _("stock")
        constraints = [
            models.UniqueConstraint(fields=["warehouse", "product"], name="stock_one_per_product"),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="stock_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.warehouse_id}/{self.product_id}: {self.quantity}"


class CalendarDay(models.Model):
    """A day of the production calendar that is not as the usual week has it: a public holiday
    or a day off moved onto a weekday (not working), a Saturday worked instead (working)."""

    date = models.DateField(_("date"), unique=True)
    working = models.BooleanField(_("working day"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("production calendar")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.note}".strip()
