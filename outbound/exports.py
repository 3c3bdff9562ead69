"""A campaign's results as a file for its head (III.17), through the one writer of tables as
files (`calldesk.exporting`: CSV with the formula guard, XLSX), since survey answers and client
names are typed freely."""

from __future__ import annotations

from django.utils.translation import gettext as _

from calldesk.errors import NotFound
from calldesk.exporting import export_format, table_bytes
from outbound.models import CallTask, Campaign
from outbound.selectors import campaign_for
from staff.models import User


def export_campaign_results(campaign_id: int, fmt: str, *, actor: User | None = None) -> bytes:
    """The campaign's tasks as a file in a format of calldesk.exporting (CSV, CSV for Excel, XLSX),
    one row a task: client, tax id, operator, status, outcome, refusal reason and each question's
    answer. Heads and admins only (III.26: commercial secrets); `actor` None is the command line.
    Two queries."""
    if actor is not None:
        campaign_for(actor=actor, campaign_id=campaign_id)
    export_format(fmt)  # InvalidInput for an unknown format, before any query
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        raise NotFound(_("No such campaign."))
    header = [
        _("Client"),
        _("Tax id"),
        _("Operator"),
        _("Status"),
        _("Outcome"),
        _("Refusal reason"),
        *campaign.questions,
    ]
    tasks = (
        CallTask.objects.filter(call_list__campaign_id=campaign_id)
        .select_related("client", "operator")
        .order_by("client__name", "id")
    )
    rows = (
        [
            task.client.name,
            task.client.tax_id,
            str(task.operator) if task.operator else "",
            task.get_status_display(),
            task.get_outcome_display() if task.outcome else "",
            task.refusal_reason,
            *[str((task.answers or {}).get(question, "")) for question in campaign.questions],
        ]
        for task in tasks.iterator(chunk_size=2000)
    )
    return table_bytes(fmt, header, rows, title=campaign.name)
