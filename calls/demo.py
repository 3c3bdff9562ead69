"""Demo data for outbound work: today's dormant list (III.16) and one running campaign by the
wholesale head (III.17, III.23). Called from `calldesk.demo.seed_demo` after the staff and the
clients exist; running it again adds nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from outbound.models import Campaign
from outbound.services import build_dormant_list, create_campaign
from staff.models import User

DEMO_CAMPAIGN = "Summer drinks promotion"


@dataclass(frozen=True)
class OutboundDemo:
    dormant_tasks: int
    campaign: Campaign | None
    campaign_tasks: int


def seed_outbound_demo(*, today: date) -> OutboundDemo:
    built = build_dormant_list(on=today)
    head = User.objects.filter(username="head").first()
    if head is None:
        return OutboundDemo(dormant_tasks=built.created, campaign=None, campaign_tasks=0)
    existing = Campaign.objects.filter(name=DEMO_CAMPAIGN, created_by=head).first()
    if existing is not None:
        return OutboundDemo(dormant_tasks=built.created, campaign=existing, campaign_tasks=0)
    campaign, count = create_campaign(
        actor=head,
        name=DEMO_CAMPAIGN,
        goal="Offer market clients the summer drinks range at 5% off orders over 20,000",
        script=(
            "Good afternoon! This is the distributor's call center. This summer we offer our "
            "market clients the whole drinks range at 5% off any order over 20,000. "
            "May I tell you about the new lemonades and take an order today?"
        ),
        questions=["Which drinks sell best at your stall?", "How often would you like us to deliver?"],
        due_on=today + timedelta(days=14),
        target={"client_types": ["market"]},
        today=today,
    )
    return OutboundDemo(dormant_tasks=built.created, campaign=campaign, campaign_tasks=count)
