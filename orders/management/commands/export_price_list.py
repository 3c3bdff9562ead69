from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from calldesk.exporting import EXPORT_FORMATS
from orders.pricelist import export_price_list

FORMATS = tuple(EXPORT_FORMATS)


class Command(BaseCommand):
    help = (
        "Export the price list as CSV, CSV for Excel (csv-excel: semicolons, decimal commas) or XLSX, "
        "with the header import_price_list reads: exporting and importing the file changes nothing. "
        "FILE '-' writes to standard output."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="Where to write: a .csv or .xlsx file, or - for standard output.")
        parser.add_argument(
            "--format",
            choices=FORMATS,
            help="csv, csv-excel or xlsx (default: from the file's extension, else csv).",
        )

    def handle(self, *args, file: str, format: str | None, **options) -> None:
        extension = file.rsplit(".", 1)[-1].lower() if "." in file else ""
        fmt = format or (extension if extension in FORMATS else "csv")
        data = export_price_list(fmt)
        if file == "-":
            if fmt == "xlsx":
                raise CommandError(_("An XLSX workbook is binary: write it to a file."))
            self.stdout.write(data.decode("utf-8"), ending="")
            return
        try:
            Path(file).write_bytes(data)
        except OSError as exc:
            raise CommandError(_("Cannot write %(path)s: %(error)s") % {"path": file, "error": exc}) from None
        self.stdout.write(_("Wrote %(path)s (%(format)s).") % {"path": file, "format": fmt})
