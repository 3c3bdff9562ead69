from calldesk.importing import ImportCommand
from orders.pricelist import PRICE_LIST_FILE


class Command(ImportCommand):
    help = (
        "Import the price list: a CSV or XLSX file with a header row (sku, name, unit, pack, "
        "category, active, new_until, then one column per price column code; sku, name and base "
        "required). All or nothing; error rows are numbered from 1, the first row after the header."
    )
    file_import = PRICE_LIST_FILE
