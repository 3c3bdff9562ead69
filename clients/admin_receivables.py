"""The admin's door to the receivables import: upload a CSV or XLSX file from accounting.

Same service as `PUT /api/v1/receivables` and `manage.py import_receivables`. Only finance and
admin may import; the admin site itself still lets in only is_staff users, and finance users are
not staff (clients.services.set_role), so a finance user needs staff access granted to use it.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from calldesk.errors import DeskError, FieldError
from clients.exceptions import InvalidImport
from clients.receivables import FIELDS, import_receivables, read_receivables_file
from staff.models import Role

IMPORT_ROLES = {Role.FINANCE.value, Role.ADMIN.value}


def may_import_receivables(user) -> bool:
    return getattr(user, "role", None) in IMPORT_ROLES


class ReceivableImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy(
            "CSV (UTF-8, comma or semicolon) or XLSX. The first row names the columns: "
            "document, client_tax_id, issued_on, due_on, amount, paid."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )


class ReceivableImportMixin:
    """For ReceivableAdmin: an "Import from file" object tool and its page at `import/`."""

    change_list_template = "admin/clients/receivable/change_list.html"
    import_template = "admin/clients/receivable/import.html"

    def get_urls(self) -> list[URLPattern]:
        name = f"{self.opts.app_label}_{self.opts.model_name}_import"
        # Before the model's own URLs, whose "<path:object_id>/" would take "import/".
        return [path("import/", self.admin_site.admin_view(self.import_view), name=name), *super().get_urls()]

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        extra_context = dict(extra_context or {})
        if may_import_receivables(request.user):
            extra_context["receivable_import_url"] = reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_import", current_app=self.admin_site.name
            )
        return super().changelist_view(request, extra_context=extra_context)

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not may_import_receivables(request.user):
            raise PermissionDenied
        errors: list[FieldError] = []
        if request.method == "POST":
            form = ReceivableImportForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                try:
                    rows = read_receivables_file(upload, upload.name)
                    result = import_receivables(rows=rows, actor=request.user, first_row=1)
                except InvalidImport as exc:
                    form.add_error(None, exc.detail)
                    errors = exc.errors
                except DeskError as exc:
                    form.add_error(None, exc.detail)
                else:
                    self.message_user(
                        request,
                        _("Receivables imported: %(created)d created, %(updated)d updated.")
                        % {"created": result.created, "updated": result.updated},
                        messages.SUCCESS,
                    )
                    return redirect(
                        f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist",
                    )
        else:
            form = ReceivableImportForm()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Import receivables from a file"),
            "form": form,
            "errors": errors,
            "fields": FIELDS,
        }
        return TemplateResponse(request, self.import_template, context)
