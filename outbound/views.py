"""Outbound work on the desk: the head's campaigns and their results (III.17, III.23), and the
operator's queue of call tasks with the task screen (III.16, III.17).

Each page has one template; the results page's figures are a partial that refreshes itself. A
service's refusal is shown on the form that asked, in the service's words: never a 500.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from calldesk.errors import DeskError, Forbidden, NotFound
from calldesk.exporting import EXPORT_FORMATS
from outbound.exports import export_campaign_results
from outbound.forms import CampaignForm, TaskResultForm
from outbound.selectors import campaign_for, campaign_results, campaigns_of, queue_of, task_for
from outbound.services import (
    TaskResult,
    call_task_client,
    close_campaign,
    create_campaign,
    record_task_result,
)

# The outcome buttons of the task screen and their keys, in the order the operator reads them.
OUTCOME_KEYS = [
    ("agreed", "Alt+1", gettext_lazy("Agreed")),
    ("refused", "Alt+2", gettext_lazy("Refused")),
    ("informed", "Alt+3", gettext_lazy("Informed")),
    ("no_answer", "Alt+4", gettext_lazy("No answer")),
    ("callback", "Alt+5", gettext_lazy("Call back")),
]


# --- The head's campaigns -------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def campaigns(request: HttpRequest) -> HttpResponse:
    """The department's campaigns, and the form that starts one (III.17)."""
    form = CampaignForm(request.POST or None, department_id=request.user.department_id)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                campaign, count = create_campaign(actor=request.user, **form.service_arguments())
            except DeskError as error:
                form.add_desk_error(error)
            else:
                messages.success(
                    request,
                    ngettext(
                        "Campaign started: %(count)d client to call.",
                        "Campaign started: %(count)d clients to call.",
                        count,
                    )
                    % {"count": count},
                )
                return redirect("outbound:campaign", campaign_id=campaign.pk)
        status = 400
    context = {"campaigns": list(campaigns_of(actor=request.user)[:100]), "form": form}
    return render(request, "outbound/campaigns.html", context, status=status)


@require_GET
def campaign(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """A campaign's results for its head; the figures refresh themselves every 5 s."""
    try:
        campaign_for(actor=request.user, campaign_id=campaign_id)
    except NotFound as error:
        raise Http404(str(error)) from error
    results = campaign_results(campaign_id)
    template = "outbound/campaign.html" + ("#campaign-results" if request.htmx else "")
    context = {"results": results, "campaign": results.campaign, "export_formats": EXPORT_FORMATS.values()}
    return render(request, template, context)


@require_POST
def campaign_close(request: HttpRequest, campaign_id: int) -> HttpResponse:
    try:
        close_campaign(actor=request.user, campaign_id=campaign_id)
    except NotFound as error:
        raise Http404(str(error)) from error
    except DeskError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The campaign is closed."))
    return redirect("outbound:campaign", campaign_id=campaign_id)


@require_GET
def campaign_export(request: HttpRequest, campaign_id: int, fmt: str) -> HttpResponse:
    """The results as a file, for heads and admins only (III.26)."""
    try:
        content = export_campaign_results(campaign_id, fmt, actor=request.user)
    except NotFound as error:
        raise Http404(str(error)) from error
    except DeskError as error:
        return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")
    file_format = EXPORT_FORMATS[fmt]
    response = HttpResponse(content, content_type=file_format.content_type)
    response["Content-Disposition"] = f'attachment; filename="campaign-{campaign_id}.{file_format.extension}"'
    return response


# --- The operator's queue -------------------------------------------------------------------------


@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """The operator's call tasks to work now: dormant clients, campaign calls, callbacks due."""
    return render(request, "outbound/queue.html", {"tasks": queue_of(operator=request.user)})


def _task_or_404(request: HttpRequest, task_id: int):
    try:
        return task_for(actor=request.user, task_id=task_id)
    except NotFound as error:
        raise Http404(str(error)) from error


@require_http_methods(["GET", "POST"])
def task(request: HttpRequest, task_id: int) -> HttpResponse:
    """One call task: the script, the questions, and the outcome keys."""
    call_task = _task_or_404(request, task_id)
    campaign = call_task.call_list.campaign
    questions = campaign.questions if campaign else []
    form = TaskResultForm(request.POST or None, questions=questions)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            result = TaskResult(
                outcome=form.cleaned_data["outcome"],
                refusal_reason=form.cleaned_data["refusal_reason"],
                answers=form.answers(),
                callback_at=form.cleaned_data["callback_at"],
            )
            try:
                record_task_result(actor=request.user, task_id=call_task.pk, result=result)
            except DeskError as error:
                form.add_desk_error(error)
            else:
                messages.success(
                    request, _("%(client)s: result recorded.") % {"client": call_task.client.name}
                )
                return redirect("outbound:queue")
        status = 400
    phones = list(call_task.client.phones.order_by("id")[:3])
    context = {
        "task": call_task,
        "campaign": campaign,
        "form": form,
        "phones": phones,
        "outcome_keys": OUTCOME_KEYS,
    }
    return render(request, "outbound/task.html", context, status=status)


@require_POST
def task_call(request: HttpRequest, task_id: int) -> HttpResponse:
    """The task's Call: register the outbound call and open the same client card as an inbound one."""
    try:
        call = call_task_client(actor=request.user, task_id=task_id)
    except NotFound as error:
        raise Http404(str(error)) from error
    except (Forbidden, DeskError) as error:
        messages.error(request, str(error))
        return redirect("outbound:task", task_id=task_id)
    return redirect("calls:call", call_id=call.pk)
