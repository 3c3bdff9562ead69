"""Screens of the clients app."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from calldesk.access import next_url
from calldesk.errors import DeskError
from clients.exceptions import ClientNotFound
from clients.forms import AssignmentForm
from clients.models import ClientType
from clients.selectors import (
    client_card,
    clients_waiting_for_a_manager,
    department_clients,
    managers_of_department,
    overdue_clients,
)
from clients.services import update_client
from staff.models import Department
from staff.permissions import department_scope, is_admin, is_head_of


def debtors(request: HttpRequest) -> HttpResponse:
    """Finance's home: clients with overdue receivables today, largest debt first (III.5, III.6)."""
    today = timezone.localdate()
    department_id = department_scope(request.user)
    rows = overdue_clients(on=today, department_id=department_id)
    return render(request, "clients/debtors.html", {"rows": rows, "today": today})


def _department_for(request: HttpRequest) -> Department | None:
    """A head works on their own department; an admin picks one (?department=code)."""
    if department_scope(request.user) is not None:
        return request.user.department
    code = request.GET.get("department") or request.POST.get("department") or "wholesale"
    return Department.objects.filter(code=code).first()


def _queue_context(request: HttpRequest, department: Department) -> dict:
    show = request.GET.get("show", "waiting")
    search = request.GET.get("q", "").strip()
    if show == "all":
        clients = department_clients(department_id=department.pk, search=search)
    else:
        show = "waiting"
        clients = clients_waiting_for_a_manager(department_id=department.pk)
    page = Paginator(clients, 50).get_page(request.GET.get("page", 1))
    return {
        "department": department,
        "departments": Department.objects.order_by("name") if is_admin(request.user) else [],
        "page": page,
        "show": show,
        "search": search,
        "managers": managers_of_department(department_id=department.pk),
        "types": ClientType.objects.order_by("position", "name"),
        "waiting": clients_waiting_for_a_manager(department_id=department.pk).count(),
    }


def manager_queue(request: HttpRequest) -> HttpResponse:
    """The head's queue (III.15): clients of the department waiting for a manager, and every
    client of the department to reassign or retype (III.2)."""
    department = _department_for(request)
    if department is None:
        return render(request, "clients/queue.html", {"department": None})
    template = "clients/queue.html" + ("#client-queue" if request.htmx else "")
    return render(request, template, _queue_context(request, department))


@require_POST
def client_assignment(request: HttpRequest, client_id: int) -> HttpResponse:
    """Assign or change a client's manager and type; the service checks the head's department."""
    try:
        client = client_card(client_id=client_id)
    except ClientNotFound:
        raise Http404(_("No such client.")) from None
    if not is_head_of(request.user, client_department_id=client.department_id):
        raise Http404(_("No such client."))  # not in this head's queue (III.15, III.26)
    form = AssignmentForm(request.POST)
    if form.is_valid():
        changes = {}
        manager = form.cleaned_data["manager"] or None
        if manager != (client.manager.username if client.manager else None):
            changes["manager"] = manager
        if form.cleaned_data["type"] != client.type.code:
            changes["type"] = form.cleaned_data["type"]
        if changes:
            try:
                update_client(
                    actor=request.user, client_id=client.pk, changes=changes, note=form.cleaned_data["note"]
                )
            except DeskError as error:
                messages.error(request, _("%(client)s: %(error)s") % {"client": client.name, "error": error})
            else:
                messages.success(request, _("%(client)s: saved.") % {"client": client.name})
    else:
        messages.error(request, _("%(client)s: choose a type.") % {"client": client.name})
    if not request.htmx:
        return redirect(next_url(request, "clients:queue"))
    department = _department_for(request)
    return render(request, "clients/queue.html#client-queue", _queue_context(request, department))
