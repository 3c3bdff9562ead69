"""The one door for importing a file into the desk, whatever the file (`calldesk.tabular.FileImport`:
the receivables from accounting, the price list): an "Import from file" page in the admin
(`FileImportAdmin`) and `manage.py <command> FILE` (`ImportCommand`). Both read the file and call
the same all-or-nothing service, and both list every bad row, numbered from 1, the first row after
the header. Who may import is the app's rule (`may_import`); the service checks the role again.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from calldesk.errors import DeskError, FieldError
from calldesk.tabular import FileImport


def describe(error: FieldError) -> str:
    """One error line: "row 3, amount: Must not be negative." (row 1 is the first after the header)."""
    if error.row is None:
        return _("%(field)s: %(detail)s") % {"field": error.field or _("file"), "detail": error.detail}
    return _("row %(row)s, %(field)s: %(detail)s") % {
        "row": error.row,
        "field": error.field or _("row"),
        "detail": error.detail,
    }


class ImportFileForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"), widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"})
    )

    def __init__(self, *args, help_text: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = help_text


class FileImportAdmin:
    """For a ModelAdmin: an "Import from file" object tool and its page at `import/`. Set
    `file_import`, `may_import`, `import_title`, `import_help` and `import_template` (which
    extends admin/import_file.html with what the columns mean)."""

    file_import: FileImport
    may_import: Callable[..., bool]
    import_title = ""
    import_help = gettext_lazy("CSV (UTF-8 or Windows-1251, comma or semicolon) or XLSX.")
    import_template = "admin/import_file.html"
    change_list_template = "admin/change_list_file_import.html"

    def _import_url_name(self) -> str:
        return f"{self.opts.app_label}_{self.opts.model_name}_import"

    def get_urls(self) -> list[URLPattern]:
        # Before the model's own URLs, whose "<path:object_id>/" would take "import/".
        view = self.admin_site.admin_view(self.import_view)
        return [path("import/", view, name=self._import_url_name()), *super().get_urls()]

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        extra_context = dict(extra_context or {})
        if self.may_import(request.user):
            extra_context["file_import_url"] = reverse(
                f"admin:{self._import_url_name()}", current_app=self.admin_site.name
            )
        return super().changelist_view(request, extra_context=extra_context)

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not self.may_import(request.user):
            raise PermissionDenied
        errors: list[FieldError] = []
        if request.method == "POST":
            form = ImportFileForm(request.POST, request.FILES, help_text=self.import_help)
        else:
            form = ImportFileForm(help_text=self.import_help)
        if form.is_bound and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = self.file_import.run(upload, upload.name, actor=request.user)
            except DeskError as exc:
                form.add_error(None, exc.detail)
                errors = exc.errors
            else:
                message = _("%(done)s: %(summary)s.") % {
                    "done": self.file_import.done,
                    "summary": self.file_import.summary(result),
                }
                self.message_user(request, message, messages.SUCCESS)
                return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": self.import_title,
            "form": form,
            "errors": errors,
            "fields": self.file_import.header(),
        }
        return TemplateResponse(request, self.import_template, context)


class ImportCommand(BaseCommand):
    """`manage.py <command> FILE`: set `file_import` and `help`. Writes the result's summary, or
    every bad row to stderr and fails."""

    file_import: FileImport

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="A .csv or .xlsx file.")

    def handle(self, *args, file: str, **options) -> None:
        path = Path(file)
        try:
            with path.open("rb") as handle:
                result = self.file_import.run(handle, path.name, actor=None)
        except OSError as exc:
            raise CommandError(_("Cannot read %(path)s: %(error)s") % {"path": file, "error": exc}) from None
        except DeskError as exc:
            for error in exc.errors:
                self.stderr.write(describe(error))
            raise CommandError(exc.detail) from None
        self.stdout.write(self.file_import.summary(result))
