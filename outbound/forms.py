"""Parse what a head types to start a campaign and what an operator records for a call task.
The rules stay in `outbound.rules` and `outbound.services`; these only check the shape of fields."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from calldesk.errors import DeskError
from calldesk.screen_input import LocalDateField, LocalDateTimeField
from calls.forms import DeskForm
from clients.models import ClientType
from outbound.models import CallTask
from staff.models import Role, User


def _managers_of(department_id: int | None) -> list[tuple[str, str]]:
    managers = User.objects.filter(
        department_id=department_id, groups__name=Role.MANAGER.value, is_active=True
    ).order_by("full_name", "username")
    return [(user.username, str(user)) for user in managers]


class CampaignForm(DeskForm):
    """A campaign (III.17, III.23): questions one a line; the target criteria are combined (AND)."""

    id_prefix = "campaign"
    name = forms.CharField(label=_("Name"), max_length=150)
    goal = forms.CharField(label=_("Goal"), max_length=300)
    script = forms.CharField(label=_("Script"), widget=forms.Textarea(attrs={"rows": 4}))
    questions = forms.CharField(
        label=_("Questions"),
        required=False,
        help_text=_("One question a line, at most 10."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    due_on = LocalDateField(
        label=_("Due on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    client_types = forms.MultipleChoiceField(
        label=_("Client types"), required=False, widget=forms.CheckboxSelectMultiple
    )
    regions = forms.CharField(
        label=_("Regions"), required=False, max_length=500, help_text=_("Exact names, separated by commas.")
    )
    managers = forms.MultipleChoiceField(label=_("Managers"), required=False)
    dormant = forms.BooleanField(label=_("Dormant clients only"), required=False)
    declined_earlier = forms.BooleanField(label=_("Clients who refused earlier"), required=False)

    def __init__(self, *args, department_id: int | None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["client_types"].choices = [
            (t.code, t.name) for t in ClientType.objects.filter(department_id=department_id)
        ]
        self.fields["managers"].choices = _managers_of(department_id)
        self.fields["name"].widget.attrs["autofocus"] = True

    def clean_questions(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["questions"].splitlines() if line.strip()]

    def clean_regions(self) -> list[str]:
        return [part.strip() for part in self.cleaned_data["regions"].split(",") if part.strip()]

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "goal": data["goal"],
            "script": data["script"],
            "questions": data["questions"],
            "due_on": data["due_on"],
            "target": {
                "client_types": data["client_types"],
                "regions": data["regions"],
                "managers": data["managers"],
                "dormant": data["dormant"],
                "declined_earlier": data["declined_earlier"],
            },
        }

    def add_desk_error(self, error: DeskError) -> None:
        self.add_error(None, str(error))
        for detail in error.errors:
            name = detail.field.removeprefix("target.")
            if name in self.fields and name not in self.errors:
                self.add_error(name, detail.detail)
            elif name not in self.fields:
                self.add_error(None, detail.detail)


class TaskResultForm(DeskForm):
    """The result of one call task: the answers to the campaign's questions and the outcome the
    operator pressed (agreed, refused with a reason, informed, no answer, callback at a time)."""

    id_prefix = "task"
    refusal_reason = forms.CharField(label=_("Refusal reason"), max_length=300, required=False)
    # The browser's picker sends ISO; typed by hand, as the person's language writes it.
    callback_at = LocalDateTimeField(
        label=_("Call back at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    outcome = forms.ChoiceField(
        choices=CallTask.Outcome.choices,
        error_messages={"required": _("Press an outcome."), "invalid_choice": _("Press an outcome.")},
    )

    def __init__(self, *args, questions: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        answer_fields = {
            f"answer_{n}": forms.CharField(label=question, max_length=500, required=False)
            for n, question in enumerate(self.questions)
        }
        # The answers come first: the operator types them while the client talks.
        self.fields = {**answer_fields, **self.fields}
        if answer_fields:
            self.fields["answer_0"].widget.attrs["autofocus"] = True
        else:
            self.fields["refusal_reason"].widget.attrs["autofocus"] = True

    def answer_fields(self) -> list:
        return [self[f"answer_{n}"] for n in range(len(self.questions))]

    def answers(self) -> dict[str, str]:
        return {
            question: self.cleaned_data[f"answer_{n}"].strip()
            for n, question in enumerate(self.questions)
            if self.cleaned_data.get(f"answer_{n}", "").strip()
        }

    def add_desk_error(self, error: DeskError) -> None:
        self.add_error(None, str(error))
        for detail in error.errors:
            if detail.field in self.fields and detail.field not in self.errors:
                self.add_error(detail.field, detail.detail)
            elif detail.field not in self.fields:
                self.add_error(None, detail.detail)
