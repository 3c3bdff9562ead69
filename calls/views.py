"""The operator's desk (III.1, III.14): find the caller or call a number, the screen pop of a call with
its route as the main action and its panels (wrap-up, comments and wishes, the head, reference
information), the shared callback queue, a department's comments and a head's questions.

Keyboard first. Each page has one template; an htmx request gets a named partial of it, and a
POST without htmx redirects (Post/Redirect/Get). A service's refusal (DeskError) is shown in the
panel that asked, in the service's words: never a 500.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from calldesk.access import next_url
from calldesk.errors import DeskError, NotFound
from calls.forms import (
    AnswerForm,
    AttachClientForm,
    CallNumberForm,
    ConsultationForm,
    FeedbackForm,
    FeedbackStatusForm,
    NewClientForm,
    ReferenceForm,
    TransferForm,
    WrapUpForm,
)
from calls.models import Call, FeedbackRoute
from calls.references import request_reference
from calls.screens import (
    CallScreen,
    answers_of_call,
    call_screen,
    check_call_visible,
    desk_queue,
    route_purpose,
    transfer_options,
)
from calls.selectors import department_feedback, open_consultations
from calls.services import (
    CallNotFound,
    answer_consultation,
    ask_head,
    attach_client,
    end_call,
    record_feedback,
    register_call,
    register_caller,
    set_feedback_status,
    take_callback,
    transfer_call,
)
from clients.selectors import search_clients
from staff.permissions import answers_every_consultation

# --- The desk -------------------------------------------------------------------------------------


def desk(request: HttpRequest) -> HttpResponse:
    """The operator's screen: find the caller by phone, tax id or name (III.1, III.2), call a
    number, the operator's open calls and the shared callback queue (III.22).

    An htmx request gets a fragment: the search results as the operator types, or the queue
    (`?panel=queue`), which refreshes itself because other operators take callbacks too.
    """
    panel = request.GET.get("panel", "")
    if request.htmx and panel == "queue":
        return render(
            request, "calls/desk.html#desk-queue", {"queue": desk_queue(operator_id=request.user.pk)}
        )
    term = request.GET.get("q", "").strip()
    results = search_clients(term) if term else []
    template = "calls/desk.html" + ("#client-results" if request.htmx else "")
    context = {"term": term, "results": results, "call_form": CallNumberForm()}
    if panel == "queue":  # without JavaScript the queue comes with the page
        context["queue"] = desk_queue(operator_id=request.user.pk)
    return render(request, template, context)


@require_POST
def call_register(request: HttpRequest) -> HttpResponse:
    """The desk's Call: register a call for the typed number and open its screen pop (III.14)."""
    form = CallNumberForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.first_error())
        return redirect("calls:desk")
    try:
        call = register_call(
            actor=request.user, direction=Call.Direction.INBOUND, phone=form.cleaned_data["phone"]
        )
    except DeskError as error:
        messages.error(request, str(error))
        return redirect("calls:desk")
    return redirect("calls:call", call_id=call.pk)


@require_POST
def callback_take(request: HttpRequest, callback_id: int) -> HttpResponse:
    """Take a callback from the shared queue: the outbound call is registered at once (III.22)."""
    try:
        call = take_callback(actor=request.user, callback_id=callback_id)
    except DeskError as error:
        messages.error(request, str(error))
        return redirect("calls:desk")
    return redirect("calls:call", call_id=call.pk)


# --- The call screen ------------------------------------------------------------------------------


def _shown(error: DeskError) -> str:
    """What the screen says of a refusal. A call (or a comment's copy, a question) the reader may
    not see is not there: 404 on every door, never a refusal that tells it exists (III.26)."""
    if isinstance(error, NotFound):
        raise Http404(str(error)) from error
    return str(error)


def _screen(request: HttpRequest, call_id: int) -> CallScreen:
    try:
        return call_screen(call_id=call_id, actor=request.user, on=timezone.localdate())
    except CallNotFound:
        raise Http404(_("No such call.")) from None


def _context(request: HttpRequest, screen: CallScreen, **extra) -> dict:
    """The call page's context with fresh forms; `extra` puts bound forms and notices in."""
    call, client = screen.call, screen.pop.client
    term = request.GET.get("q", "").strip() if client is None else ""
    context = {
        "screen": screen,
        "pop": screen.pop,
        "call": call,
        "call_id": call.pk,
        "client": client,
        "answers": screen.pop.answers,
        "term": term,
        "results": search_clients(term) if term else [],
        "transfer_form": TransferForm(candidates=screen.transfer_candidates),
        "wrap_up_form": WrapUpForm.for_call(
            call,
            orders=screen.orders_in_call,
            people=screen.transfer_targets,
            purpose=route_purpose(call),
            taken=screen.order_taken,
        ),
        "new_client_form": NewClientForm(types=screen.client_types),
        "feedback_form": FeedbackForm(departments=screen.departments),
        "consultation_form": ConsultationForm(departments=screen.departments),
        "reference_form": ReferenceForm(initial={"email": screen.client_email}),
    }
    if screen.focus == "wrap-up":
        context["wrap_up_form"].focus()
    context.update(extra)
    context["answers_pending"] = _pending(context["answers"])
    return context


def _pending(answers: list) -> bool:
    """Whether a question is still waiting for the head: then the answers poll (III.11)."""
    return any(question.answered_at is None for question in answers)


def _render_call(request: HttpRequest, screen: CallScreen, partial: str, **extra) -> HttpResponse:
    """A panel of the call page for htmx, the whole page (with the bound form) without it."""
    template = "calls/call.html" + (f"#{partial}" if request.htmx else "")
    return render(request, template, _context(request, screen, **extra))


def _to_call(request: HttpRequest, call_id: int) -> HttpResponse:
    url = reverse("calls:call", args=[call_id])
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def _refuse_closed(request: HttpRequest, screen: CallScreen) -> HttpResponse | None:
    """Panels act on an open call only: a closed one is shown as it is, with the reason."""
    if screen.is_open:
        return None
    messages.error(request, _("The call has already been closed."))
    return _to_call(request, screen.call.pk)


@require_GET
def call_screen_view(request: HttpRequest, call_id: int) -> HttpResponse:
    """The screen pop (the exchange opens it): the caller's card, debt and route as the main
    action, history, and the panels of the call (III.1-III.6, III.11, III.14, III.15, III.18-III.20).
    An htmx search (unknown caller: `?q=`) gets the matching clients to attach."""
    if request.htmx and "q" in request.GET:
        try:
            check_call_visible(call_id=call_id, actor=request.user)
        except CallNotFound:
            raise Http404(_("No such call.")) from None
        term = request.GET["q"].strip()
        context = {"call_id": call_id, "term": term, "results": search_clients(term) if term else []}
        return render(request, "calls/call.html#attach-results", context)
    return render(request, "calls/call.html", _context(request, _screen(request, call_id)))


@require_POST
def transfer(request: HttpRequest, call_id: int) -> HttpResponse:
    """One key: pass the call to the person the route names, or to the one the operator chose when
    it names nobody (III.4, III.6, III.15, III.19). The receiver is told in their inbox."""
    try:
        call, person, candidates = transfer_options(call_id=call_id, actor=request.user)
    except CallNotFound:
        raise Http404(_("No such call.")) from None
    form = TransferForm(request.POST, candidates=candidates)
    if not form.is_valid():
        messages.error(request, form.first_error())
        return redirect("calls:call", call_id=call_id)
    to = form.cleaned_data["to"] or (person.username if person else "")
    if not to:
        messages.error(request, _("Choose who takes the call."))
        return redirect("calls:call", call_id=call_id)
    try:
        call = transfer_call(
            actor=request.user,
            call_id=call_id,
            to=to,
            reason=form.cleaned_data["reason"],
            purpose=route_purpose(call),
        )
    except DeskError as error:
        messages.error(request, _shown(error))
    else:
        messages.success(request, _("Call transferred to %(person)s.") % {"person": call.transferred_to})
    return redirect("calls:call", call_id=call_id)


@require_POST
def wrap_up(request: HttpRequest, call_id: int) -> HttpResponse:
    """Close the call with its purpose and outcome (never without one); an agreed callback goes to
    the shared queue (III.14, III.22)."""
    screen = _screen(request, call_id)
    if refused := _refuse_closed(request, screen):
        return refused
    form = WrapUpForm(request.POST, orders=screen.orders_in_call, people=screen.transfer_targets)
    if form.is_valid():
        try:
            end_call(actor=request.user, call_id=call_id, wrap_up=form.end_call())
        except DeskError as error:
            form.add_desk_error(error)
        else:
            messages.success(request, _("Call closed."))
            return _to_call(request, call_id)
    form.focus()
    return _render_call(request, screen, "wrap-up", wrap_up_form=form)


@require_POST
def attach(request: HttpRequest, call_id: int) -> HttpResponse:
    """An unknown number turns out to be a known client: tie the call to it (III.15)."""
    form = AttachClientForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the client."))
        return redirect("calls:call", call_id=call_id)
    try:
        call = attach_client(actor=request.user, call_id=call_id, client_id=form.cleaned_data["client"])
    except DeskError as error:
        messages.error(request, _shown(error))
    else:
        messages.success(request, _("The call is now %(client)s's.") % {"client": call.client.name})
    return redirect("calls:call", call_id=call_id)


@require_POST
def new_client(request: HttpRequest, call_id: int) -> HttpResponse:
    """Register the unknown caller as a client with the call's phone and tie the call to it; the
    client waits in its department head's queue, and the route becomes that head (III.15)."""
    screen = _screen(request, call_id)
    if refused := _refuse_closed(request, screen):
        return refused
    if screen.pop.client is not None:
        messages.error(request, _("This call already has its client."))
        return _to_call(request, call_id)
    form = NewClientForm(request.POST, types=screen.client_types)
    if form.is_valid():
        data = form.cleaned_data
        try:
            client = register_caller(
                actor=request.user,
                call_id=call_id,
                name=data["name"],
                tax_id=data["tax_id"],
                type_code=data["type"],
            )
        except DeskError as error:
            form.add_desk_error(error)
        else:
            messages.success(request, _("%(client)s is registered.") % {"client": client.name})
            return _to_call(request, call_id)
    return _render_call(request, screen, "new-client", new_client_form=form)


@require_POST
def feedback(request: HttpRequest, call_id: int) -> HttpResponse:
    """Pass the client's comment or wish to the departments it concerns (III.20)."""
    screen = _screen(request, call_id)
    if refused := _refuse_closed(request, screen):
        return refused
    form = FeedbackForm(request.POST, departments=screen.departments)
    if form.is_valid():
        data = form.cleaned_data
        client = screen.pop.client
        try:
            record_feedback(
                actor=request.user,
                call_id=call_id,
                client_id=client.pk if client else None,
                text=data["text"],
                departments=data["departments"],
            )
        except DeskError as error:
            form.add_desk_error(error)
        else:
            chosen = [d.name for d in screen.departments if d.code in data["departments"]]
            notice = _("Passed to %(departments)s.") % {"departments": ", ".join(chosen)}
            if not request.htmx:
                messages.success(request, notice)
                return redirect("calls:call", call_id=call_id)
            return _render_call(request, screen, "feedback-panel", feedback_notice=notice)
    return _render_call(request, screen, "feedback-panel", feedback_form=form)


@require_POST
def consult(request: HttpRequest, call_id: int) -> HttpResponse:
    """Ask the head of the relevant sales department; the answer appears on this screen (III.11)."""
    screen = _screen(request, call_id)
    if refused := _refuse_closed(request, screen):
        return refused
    form = ConsultationForm(request.POST, departments=screen.departments)
    if form.is_valid():
        data = form.cleaned_data
        try:
            consultation = ask_head(
                actor=request.user,
                call_id=call_id,
                question=data["question"],
                department_code=data["department"] or None,
            )
        except DeskError as error:
            form.add_desk_error(error)
        else:
            if consultation.head_id:
                notice = _("Asked %(head)s: the answer will appear here.") % {"head": consultation.head}
            else:
                notice = _("Asked the head of %(department)s (none is set yet).") % {
                    "department": consultation.department
                }
            if not request.htmx:
                messages.success(request, notice)
                return redirect("calls:call", call_id=call_id)
            return _render_call(
                request,
                screen,
                "consult-panel",
                consultation_notice=notice,
                answers=answers_of_call(call_id=call_id, actor=request.user),
            )
    return _render_call(request, screen, "consult-panel", consultation_form=form)


@require_GET
def call_answers(request: HttpRequest, call_id: int) -> HttpResponse:
    """The head's answers to this call's questions: the call screen polls it (III.11)."""
    if not request.htmx:
        return redirect("calls:call", call_id=call_id)
    try:
        answers = answers_of_call(call_id=call_id, actor=request.user)
    except CallNotFound:
        raise Http404(_("No such call.")) from None
    context = {"call_id": call_id, "answers": answers, "answers_pending": _pending(answers)}
    return render(request, "calls/call.html#call-answers", context)


@require_POST
def reference(request: HttpRequest, call_id: int) -> HttpResponse:
    """Send the reference information the caller asked for by e-mail (III.18)."""
    screen = _screen(request, call_id)
    if refused := _refuse_closed(request, screen):
        return refused
    form = ReferenceForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            sent = request_reference(
                actor=request.user,
                call_id=call_id,
                email=data["email"],
                documents=data["documents"],
                skus=data["skus"],
            )
        except DeskError as error:
            form.add_desk_error(error)
        else:
            notice = _("The documents go to %(email)s.") % {"email": sent.email}
            if not request.htmx:
                messages.success(request, notice)
                return redirect("calls:call", call_id=call_id)
            screen = _screen(request, call_id)  # read afresh: the request is in the list now
            return _render_call(
                request,
                screen,
                "reference-panel",
                reference_notice=notice,
                reference_form=ReferenceForm(initial={"email": sent.email}),
            )
    return _render_call(request, screen, "reference-panel", reference_form=form)


# --- A department's comments and wishes (III.20) --------------------------------------------------


def _feedback_context(request: HttpRequest, **extra) -> dict:
    status = request.GET.get("status", "")
    if status not in FeedbackRoute.Status.values:
        status = ""
    department_id = request.user.department_id
    routes = (
        list(department_feedback(department_id=department_id, status=status)[:100]) if department_id else []
    )
    context = {
        "routes": routes,
        "status": status,
        "statuses": FeedbackRoute.Status.choices,
        "department": request.user.department if department_id else None,
    }
    context.update(extra)
    return context


def feedback_inbox(request: HttpRequest) -> HttpResponse:
    """A department's comments and wishes from clients, new first (III.20)."""
    template = "calls/feedback_inbox.html" + ("#feedback-list" if request.htmx else "")
    return render(request, template, _feedback_context(request))


@require_POST
def feedback_status(request: HttpRequest, route_id: int) -> HttpResponse:
    """Mark the department's copy of a comment new, seen or done."""
    form = FeedbackStatusForm(request.POST)
    error = notice = ""
    if not form.is_valid():
        error = form.first_error()
    else:
        try:
            route = set_feedback_status(
                actor=request.user, route_id=route_id, status=form.cleaned_data["status"]
            )
        except DeskError as exc:
            error = _shown(exc)
        else:
            notice = _("Marked %(status)s.") % {"status": route.get_status_display().lower()}
    if not request.htmx:
        if error:
            messages.error(request, error)
        else:
            messages.success(request, notice)
        return redirect(next_url(request, "calls:feedback-inbox"))
    context = _feedback_context(request, error=error, notice=notice)
    return render(request, "calls/feedback_inbox.html#feedback-list", context)


# --- A head's questions from operators (III.11) ---------------------------------------------------


def _questions(request: HttpRequest) -> list:
    """The head's department's open questions; every department's for commercial management,
    to whom a question goes when no head nor deputy is at work (III.11)."""
    if answers_every_consultation(request.user):
        return list(open_consultations(department_id=None)[:50])
    department_id = request.user.department_id
    return list(open_consultations(department_id=department_id)[:50]) if department_id else []


def _questions_context(request: HttpRequest) -> dict:
    """The questions, and whether they come from every department (then each names its own)."""
    return {"questions": _questions(request), "every_department": answers_every_consultation(request.user)}


def consultations(request: HttpRequest) -> HttpResponse:
    """A head's open questions from operators, with an answer form each; the list refreshes itself
    every few seconds (III.11)."""
    template = "calls/consultations.html" + ("#open-questions" if request.htmx else "")
    return render(request, template, _questions_context(request))


@require_POST
def answer(request: HttpRequest, consultation_id: int) -> HttpResponse:
    """The head answers; the operator's call screen shows it within seconds (III.11)."""
    form = AnswerForm(request.POST)
    error = notice = ""
    if not form.is_valid():
        error = form.first_error()
    else:
        try:
            answer_consultation(
                actor=request.user, consultation_id=consultation_id, answer=form.cleaned_data["answer"]
            )
        except DeskError as exc:
            error = _shown(exc)
        else:
            notice = _("Answer sent.")
    if not request.htmx:
        if error:
            messages.error(request, error)
        else:
            messages.success(request, notice)
        return redirect("calls:consultations")
    context = {**_questions_context(request), "error": error, "error_for": consultation_id, "notice": notice}
    return render(request, "calls/consultations.html#open-questions", context)
