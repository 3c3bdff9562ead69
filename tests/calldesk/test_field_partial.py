"""One form-field partial (templates/partials/field.html) for every desk form: the label, the
input, the hint and the errors beside the field, the same on every screen."""

import re
from pathlib import Path

from django import forms
from django.conf import settings
from django.template.loader import render_to_string

from calls.forms import DeskForm


class SampleForm(DeskForm):
    id_prefix = "sample"
    name = forms.CharField(label="Имя клиента", help_text="As on the contract.")
    kinds = forms.MultipleChoiceField(
        label="Documents",
        choices=[("prices", "Прайс-лист"), ("terms", "Terms")],
        widget=forms.CheckboxSelectMultiple,
    )


def render(field, **extra) -> str:
    return render_to_string("partials/field.html", {"field": field, **extra})


def test_a_field_with_its_hint_and_its_error_beside_it():
    form = SampleForm(data={"name": "", "kinds": ["prices"]})
    assert not form.is_valid()
    assert render(form["name"]) == (
        '<div class="field field-name"><label for="sample-name">Имя клиента:</label> '
        '<input type="text" name="name" required aria-invalid="true" '
        'aria-describedby="sample-name_helptext sample-name_error" id="sample-name"> '
        '<small class="hint">As on the contract.</small> '
        '<span class="error" id="sample-name_error">This field is required.</span></div>\n'
    )


def test_a_hint_passed_in_stands_for_the_help_text():
    html = render(SampleForm()["name"], field_hint="next working day: 2026-12-01")
    assert '<small class="hint">next working day: 2026-12-01</small>' in html
    assert "As on the contract." not in html


def test_check_boxes_are_a_fieldset_named_by_the_label():
    form = SampleForm(data={"name": "Ларёк"})
    assert not form.is_valid()
    html = render(form["kinds"])
    assert html.startswith('<fieldset class="checks field-kinds"><legend>Documents</legend>')
    assert '<label><input type="checkbox" name="kinds" value="prices" id="sample-kinds_0"' in html
    assert '<span class="error" id="sample-kinds_error">This field is required.</span>' in html


# A label, a field's own errors or one check box of a group, written out in a template.
BY_HAND = re.compile(r"label_tag|choice\.tag|\bfield\.errors|\w+form\.\w+\.errors")


def test_no_desk_template_renders_a_field_by_hand():
    templates = Path(settings.BASE_DIR) / "templates"
    by_hand = [
        str(path.relative_to(templates))
        for path in templates.rglob("*.html")
        if path.parts[-2:] != ("partials", "field.html")
        and "admin" not in path.relative_to(templates).parts
        and BY_HAND.search(path.read_text())
    ]
    assert by_hand == []
