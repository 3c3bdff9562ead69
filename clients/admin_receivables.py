"""The admin's door to the receivables import: upload a CSV or XLSX file from accounting.

Same service as `PUT /api/v1/receivables` and `manage.py import_receivables`. Only finance and
admin may import; the admin site itself still lets in only is_staff users, and finance users are
not staff (staff.services.set_role), so a finance user needs staff access granted to use it.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from calldesk.importing import FileImportAdmin
from clients.receivables import RECEIVABLES_FILE
from staff.permissions import may_import_receivables


class ReceivableImportMixin(FileImportAdmin):
    """For ReceivableAdmin: an "Import from file" object tool and its page at `import/`."""

    file_import = RECEIVABLES_FILE
    may_import = staticmethod(may_import_receivables)
    import_title = gettext_lazy("Import receivables from a file")
    import_help = gettext_lazy(
        "CSV (UTF-8 or Windows-1251, comma or semicolon) or XLSX. The first row names the columns: "
        "document, client_tax_id, issued_on, due_on, amount, paid."
    )
    import_template = "admin/clients/receivable/import.html"
