"""Demo outbound work: today's dormant list (III.16), one running campaign by the wholesale head
(III.17, III.23), and the first tasks of the list already worked, so the figures show calls to
dormant clients. Run after the staff and the clients exist; running it again adds nothing."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from demo.seed.common import DEFAULT_LOCALE, check_locale
from outbound.models import CallTask, Campaign, TaskAttempt
from outbound.services import build_dormant_list, create_campaign
from staff.models import User

DEMO_CAMPAIGN = "Summer drinks promotion"


@dataclass(frozen=True)
class CampaignWords:
    name: str
    goal: str
    script: str
    questions: list[str]


CAMPAIGN = {
    "en": CampaignWords(
        name=DEMO_CAMPAIGN,
        goal="Offer market clients the summer drinks range at 5% off orders over 20,000",
        script=(
            "Good afternoon! This is the distributor's call center. This summer we offer our "
            "market clients the whole drinks range at 5% off any order over 20,000. "
            "May I tell you about the new lemonades and take an order today?"
        ),
        questions=["Which drinks sell best at your stall?", "How often would you like us to deliver?"],
    ),
    "ru": CampaignWords(
        name="Летняя акция на напитки",
        goal="Предложить рыночным клиентам летние напитки со скидкой 5% на заказ от 20 000 ₽",
        script=(
            "Добрый день! Вас беспокоит колл-центр дистрибьютора. Этим летом мы предлагаем "
            "нашим клиентам на рынках весь ассортимент напитков со скидкой 5% на любой заказ "
            "от 20 000 ₽. Можно рассказать вам о новых лимонадах и принять заказ сегодня?"
        ),
        questions=["Какие напитки лучше всего продаются у вас?", "Как часто вам удобно получать товар?"],
    ),
}


@dataclass(frozen=True)
class OutboundDemo:
    dormant_tasks: int
    campaign: Campaign | None
    campaign_tasks: int


def seed_outbound_demo(*, today: date, locale: str = DEFAULT_LOCALE) -> OutboundDemo:
    words = CAMPAIGN[check_locale(locale)]
    built = build_dormant_list(on=today)
    head = User.objects.filter(username="head").first()
    if head is None:
        return OutboundDemo(dormant_tasks=built.created, campaign=None, campaign_tasks=0)
    existing = Campaign.objects.filter(name=words.name, created_by=head).first()
    if existing is not None:
        return OutboundDemo(dormant_tasks=built.created, campaign=existing, campaign_tasks=0)
    campaign, count = create_campaign(
        actor=head,
        name=words.name,
        goal=words.goal,
        script=words.script,
        questions=words.questions,
        due_on=today + timedelta(days=14),
        target={"client_types": ["market"]},
        today=today,
    )
    return OutboundDemo(dormant_tasks=built.created, campaign=campaign, campaign_tasks=count)


def seed_task_attempts(rng: random.Random, *, operators: list[User]) -> int:
    """Today's dormant list: the first tasks worked yesterday-style (III.16)."""
    attempts = []
    for task in CallTask.objects.filter(reason__in=[CallTask.Reason.DORMANT, CallTask.Reason.NEVER_ORDERED])[
        :25
    ]:
        operator = task.operator or rng.choice(operators)
        attempts.append(
            TaskAttempt(
                task=task,
                operator=operator,
                client_id=task.client_id,
                reason=task.reason,
                outcome=rng.choice(["refused", "informed", "no_answer"]),
                at=timezone.now() - timedelta(minutes=rng.randint(5, 120)),
            )
        )
    TaskAttempt.objects.bulk_create(attempts)
    return len(attempts)
