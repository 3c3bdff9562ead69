"""Screens of the orders app."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from calldesk.access import next_url
from calldesk.errors import DeskError
from orders.exceptions import OrderNotFound
from orders.forms import LineForm, LineQuantityForm, OfferForm, StartOrderForm, TermsForm
from orders.models import CancelReason, Offer, Order
from orders.selectors import (
    OrderScreen,
    order_screen,
    orders_of_manager,
    price_columns,
    price_list_page,
    product_matches,
    sku_for_entry,
)
from orders.services import (
    add_line,
    authorise_exception,
    change_line,
    change_status,
    confirm_order,
    record_offer,
    remove_line,
    set_terms,
    start_order,
)
from warehouse.calendar import earliest_delivery_of


def my_orders(request: HttpRequest) -> HttpResponse:
    """A manager's home: the orders of their clients, to track execution (III.14). An htmx
    request (a notice of a new order arrived) gets the list alone, for the same filter and page."""
    status = request.GET.get("status", "")
    if status not in Order.Status.values:
        status = ""
    page = orders_of_manager(actor=request.user, status=status, page=request.GET.get("page", 1))
    template = "orders/my_orders.html" + ("#order-list" if request.htmx else "")
    context = {
        "page": page,
        "status": status,
        "statuses": Order.Status.choices,
        "cancel_reasons": CancelReason.choices,
    }
    return render(request, template, context)


def price_list(request: HttpRequest) -> HttpResponse:
    """The price list as a matrix: each product's price in every column (III.10)."""
    search = request.GET.get("q", "").strip()
    columns = price_columns()
    page = price_list_page(search=search, page=request.GET.get("page", 1))
    rows = []
    for product in page:
        by_column = {price.column_id: price.amount for price in product.prices.all()}
        rows.append((product, [by_column.get(column.pk) for column in columns]))
    template = "orders/price_list.html" + ("#price-table" if request.htmx else "")
    return render(request, template, {"columns": columns, "rows": rows, "page": page, "search": search})


# --- The order screen (III.7, III.12) --------------------------------------------------------------


@require_POST
def start(request: HttpRequest) -> HttpResponse:
    """The desk's Take an order: open a draft for the client (III.3, III.5), or tell the operator
    on the desk why not."""
    form = StartOrderForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.first_error())
        return redirect("calls:desk")
    call_id = form.cleaned_data["call"]
    try:
        order = start_order(actor=request.user, client_id=form.cleaned_data["client"], call_id=call_id)
    except DeskError as error:
        messages.error(request, str(error))
        if call_id is not None:
            return redirect("calls:call", call_id=call_id)
        term = form.cleaned_data["q"]
        return redirect(reverse("calls:desk") + (f"?{urlencode({'q': term})}" if term else ""))
    return redirect("orders:order", order_id=order.pk)


def _shown(error: DeskError) -> str:
    """What a panel says of a refusal. An order the reader may not see is not there: 404 on
    every door, never a refusal that tells it exists (III.26)."""
    if isinstance(error, OrderNotFound):
        raise Http404(_("No such order.")) from error
    return str(error)


def _screen(request: HttpRequest, order_id: int) -> OrderScreen:
    try:
        return order_screen(order_id=order_id, actor=request.user)
    except OrderNotFound:
        raise Http404(_("No such order.")) from None


def _page_context(screen: OrderScreen, **extra) -> dict:
    context = {
        "screen": screen,
        "order": screen.order,
        "state": screen.state,
        "offers": screen.offers,
        "line_form": None,
        "terms_form": TermsForm.for_order(screen.order),
        "error": "",
        "terms_error": "",
        "notice": "",
        "terms_notice": "",
        "focus": "search",
        # III.12: the earliest delivery date by the calendar and the warehouse's cut-off
        # (a confirmed order takes no terms: no hint, no query)
        "next_working_day": screen.state.facts.earliest_delivery if screen.state is not None else None,
    }
    context.update(extra)
    return context


def _after_post(
    request: HttpRequest, order_id: int, *, partial: str = "order-panel", error: str = "", **extra
) -> HttpResponse:
    """Post/Redirect/Get without htmx; with htmx, the changed part of the page, read afresh. An
    order that is no longer a draft (confirmed a moment ago) is shown as a whole page."""
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect("orders:order", order_id=order_id)
    screen = _screen(request, order_id)
    if screen.state is None:
        return HttpResponseClientRedirect(reverse("orders:order", args=[order_id]))
    where = "terms_error" if partial == "terms-saved" else "error"
    return render(request, f"orders/order.html#{partial}", _page_context(screen, **{where: error}, **extra))


def order_detail(request: HttpRequest, order_id: int) -> HttpResponse:
    """One order. A draft is taken here, from the keyboard: lines, offers, terms, confirmation;
    a confirmed order is read-only. An htmx GET gets the draft's panel."""
    screen = _screen(request, order_id)
    if request.htmx and screen.state is not None:
        return render(request, "orders/order.html#order-panel", _page_context(screen))
    return render(request, "orders/order.html", _page_context(screen))


@require_GET
def product_search(request: HttpRequest, order_id: int) -> HttpResponse:
    """Products matching what is typed in the add-line box, priced at the order's column."""
    term = request.GET.get("product", "").strip()
    try:
        matches = product_matches(order_id=order_id, actor=request.user, term=term)
    except OrderNotFound:
        raise Http404(_("No such order.")) from None
    return render(request, "orders/order.html#product-matches", {"matches": matches, "term": term})


@require_POST
def line_add(request: HttpRequest, order_id: int) -> HttpResponse:
    form = LineForm(request.POST)
    if not form.is_valid():
        focus = "search" if "product" in form.errors else "quantity"
        return _after_post(request, order_id, error=form.first_error(), line_form=form, focus=focus)
    data = form.cleaned_data
    try:
        change = add_line(
            actor=request.user,
            order_id=order_id,
            sku=sku_for_entry(data["product"]),
            quantity=data["quantity"],
        )
    except DeskError as error:
        return _after_post(request, order_id, error=_shown(error), line_form=form)
    notice = _("Added %(product)s.") % {"product": change.line.product.name}
    return _after_post(request, order_id, notice=notice)


@require_POST
def line_change(request: HttpRequest, order_id: int, line_id: int) -> HttpResponse:
    form = LineQuantityForm(request.POST)
    error = "" if form.is_valid() else form.first_error()
    if not error:
        try:
            change_line(
                actor=request.user, order_id=order_id, line_id=line_id, quantity=form.cleaned_data["quantity"]
            )
        except DeskError as exc:
            error = _shown(exc)
    return _after_post(request, order_id, error=error, notice="" if error else _("Quantity changed."))


@require_POST
def line_remove(request: HttpRequest, order_id: int, line_id: int) -> HttpResponse:
    error = ""
    try:
        remove_line(actor=request.user, order_id=order_id, line_id=line_id)
    except DeskError as exc:
        error = _shown(exc)
    return _after_post(request, order_id, error=error, notice="" if error else _("Line removed."))


@require_POST
def offer(request: HttpRequest, order_id: int) -> HttpResponse:
    """Accept (adds the line) or decline (with the client's reason) a suggested item (III.7)."""
    form = OfferForm(request.POST)
    error = "" if form.is_valid() else form.first_error()
    if not error:
        data = form.cleaned_data
        try:
            record_offer(
                actor=request.user,
                order_id=order_id,
                sku=data["sku"],
                outcome=data["outcome"],
                quantity=data["quantity"],
                reason=data["reason"],
                kind=data["kind"] or "other",
                decline_reason=data["decline_reason"],
            )
        except DeskError as exc:
            error = _shown(exc)
    if error:
        return _after_post(request, order_id, error=error, focus="suggestion")
    outcome = Offer.Outcome(form.cleaned_data["outcome"]).label
    notice = _("Offer recorded: %(outcome)s.") % {"outcome": outcome}
    return _after_post(request, order_id, notice=notice, focus="suggestion")


@require_POST
def terms(request: HttpRequest, order_id: int) -> HttpResponse:
    """Delivery and regional terms; the draft's panel is redrawn with them (what is missing)."""
    form = TermsForm(request.POST)
    if not form.is_valid():
        return _after_post(
            request, order_id, partial="terms-saved", error=form.first_error(), terms_form=form, focus=""
        )
    try:
        set_terms(
            actor=request.user,
            order_id=order_id,
            delivery=form.delivery(
                today=timezone.localdate(),
                earliest=earliest_delivery_of(order_id) if form.wants_next_working_day() else None,
            ),
            regional=form.regional(),
        )
    except DeskError as exc:
        return _after_post(
            request, order_id, partial="terms-saved", error=_shown(exc), terms_form=form, focus=""
        )
    return _after_post(request, order_id, partial="terms-saved", terms_notice=_("Terms saved."), focus="")


@require_POST
def confirm(request: HttpRequest, order_id: int) -> HttpResponse:
    """Confirm the draft (API.md's checks, in order), and send the client its order form when the
    operator ticks it; the confirmed order is shown with its number."""
    try:
        confirm_order(
            actor=request.user,
            order_id=order_id,
            send_form=bool(request.POST.get("send_form")),  # the screen always shows the choice
            form_email=request.POST.get("form_email", "")[:254],
        )
    except DeskError as exc:
        return _after_post(request, order_id, error=_shown(exc), focus="")
    if request.htmx:
        return HttpResponseClientRedirect(reverse("orders:order", args=[order_id]))
    return redirect("orders:order", order_id=order_id)


@require_POST
def exception(request: HttpRequest, order_id: int) -> HttpResponse:
    """The client's manager, finance or a head authorises this one order past the debt and
    credit-limit checks, with a written reason (III.6, III.11); the service checks who."""
    try:
        authorise_exception(actor=request.user, order_id=order_id, reason=request.POST.get("reason", ""))
    except DeskError as exc:
        return _after_post(request, order_id, error=_shown(exc), focus="")
    return _after_post(request, order_id, notice=_("Exception recorded."), focus="")


@require_POST
def order_status(request: HttpRequest, order_id: int) -> HttpResponse:
    """A manager moves their client's order along: in fulfilment, delivered, or cancelled (III.14)."""
    try:
        order = change_status(
            actor=request.user,
            order_id=order_id,
            status=request.POST.get("status", ""),
            reason=request.POST.get("reason", ""),
            code=request.POST.get("code", ""),
        )
    except DeskError as error:
        messages.error(request, _shown(error))
    else:
        messages.success(
            request,
            _("%(order)s: %(status)s.") % {"order": order.number, "status": order.get_status_display()},
        )
    return redirect(next_url(request, "orders:my-orders"))
