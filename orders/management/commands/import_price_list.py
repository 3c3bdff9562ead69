from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from calldesk.errors import DeskError, FieldError
from orders.exceptions import InvalidPriceList
from orders.models import Source
from orders.pricelist import read_price_list_file, upsert_price_list


def describe(error: FieldError) -> str:
    """One error line: "row 3, prices.base: Must not be negative." (row 1 is the first after the header)."""
    if error.row is None:
        return _("%(field)s: %(detail)s") % {"field": error.field or _("file"), "detail": error.detail}
    return _("row %(row)s, %(field)s: %(detail)s") % {
        "row": error.row,
        "field": error.field or _("row"),
        "detail": error.detail,
    }


class Command(BaseCommand):
    help = (
        "Import the price list: a CSV or XLSX file with a header row (sku, name, unit, pack, "
        "category, active, new_until, then one column per price column code; sku, name and base "
        "required). All or nothing; error rows are numbered from 1, the first row after the header."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="A .csv or .xlsx file.")

    def handle(self, *args, file: str, **options) -> None:
        path = Path(file)
        try:
            with path.open("rb") as handle:
                rows = read_price_list_file(handle, path.name)
            result = upsert_price_list(rows=rows, actor=None, source=Source.IMPORT, first_row=1)
        except OSError as exc:
            raise CommandError(_("Cannot read %(path)s: %(error)s") % {"path": file, "error": exc}) from None
        except InvalidPriceList as exc:
            for error in exc.errors:
                self.stderr.write(describe(error))
            raise CommandError(exc.detail) from None
        except DeskError as exc:
            raise CommandError(exc.detail) from None
        self.stdout.write(
            _("created %(created)d, updated %(updated)d, prices changed %(prices)d")
            % {"created": result.created, "updated": result.updated, "prices": result.prices_changed}
        )
