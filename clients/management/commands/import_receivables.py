from calldesk.importing import ImportCommand
from clients.receivables import RECEIVABLES_FILE


class Command(ImportCommand):
    help = (
        "Import receivables from accounting: a CSV or XLSX file with a header row "
        "(document, client_tax_id, issued_on, due_on, amount, paid). All or nothing; "
        "error rows are numbered from 1, the first row after the header."
    )
    file_import = RECEIVABLES_FILE
