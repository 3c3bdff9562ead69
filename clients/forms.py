from django import forms
from django.utils.translation import gettext_lazy as _


class AssignmentForm(forms.Form):
    """A head's change of a client's manager and type (III.2, III.15)."""

    manager = forms.CharField(label=_("Manager"), required=False, max_length=150)
    type = forms.SlugField(label=_("Type"), max_length=32)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)
