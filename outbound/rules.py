"""Pure rules of outbound work: when a market client counts as dormant (III.16), how the day's
calls are shared among the operators on duty, and what a campaign the head instructs must hold
(III.17). Values in, values out: no ORM, no request."""

from __future__ import annotations

import calendar
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from calldesk.errors import FieldError

# --- Dormancy (III.16) ----------------------------------------------------------------------------


def dormancy_cutoff(day: date, *, months: int = 6) -> date:
    """The same day `months` calendar months earlier; the month's last day when it lacks that
    day (for 31 May: 30 November). A client is dormant with no order on or after this day."""
    month_index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(month_index, 12)
    month += 1
    last_day = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last_day))


def is_dormant(*, last_order_on: date | None, joined_on: date, cutoff: date) -> bool:
    """III.16: no order dated on or after the cut-off; a client who never ordered counts once it
    joined before the cut-off."""
    if last_order_on is None:
        return joined_on < cutoff
    return last_order_on < cutoff


# --- Sharing the calls ----------------------------------------------------------------------------


def share_fairly(client_ids: list[int], operators: dict[int, int]) -> dict[int, int]:
    """Give each client to the operator with the fewest open tasks so far (ties: lowest id), so
    the day's calls even out the operators' queues. `operators` maps id → open tasks now."""
    load = dict(operators)
    assignment = {}
    for client_id in client_ids:
        operator_id = min(load, key=lambda op: (load[op], op))
        assignment[client_id] = operator_id
        load[operator_id] += 1
    return assignment


# --- What a campaign holds (III.17) ---------------------------------------------------------------

TARGET_KEYS = ("client_types", "regions", "managers", "dormant", "declined_earlier")
MAX_QUESTIONS = 10
QUESTION_MAX_LENGTH = 300


def required_text(value: Any, name: str, limit: int | None, errors: list[FieldError]) -> str:
    """The text stripped; an error on `name` when it is empty or longer than `limit`."""
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        errors.append(FieldError(field=name, detail=_("Required.")))
    elif limit is not None and len(text) > limit:
        errors.append(FieldError(field=name, detail=_("At most %(n)d characters.") % {"n": limit}))
    return text


def campaign_questions(value: Any, errors: list[FieldError]) -> list[str]:
    """The survey questions: at most `MAX_QUESTIONS`, none empty, none too long, all different."""
    if not isinstance(value, list | tuple) or not all(isinstance(q, str) for q in value):
        errors.append(FieldError(field="questions", detail=_("Expected a list of question texts.")))
        return []
    questions = [q.strip() for q in value]
    if any(not q for q in questions):
        errors.append(FieldError(field="questions", detail=_("A question may not be empty.")))
    elif len(questions) > MAX_QUESTIONS:
        errors.append(
            FieldError(field="questions", detail=_("At most %(n)d questions.") % {"n": MAX_QUESTIONS})
        )
    elif any(len(q) > QUESTION_MAX_LENGTH for q in questions):
        errors.append(
            FieldError(
                field="questions",
                detail=_("A question has at most %(n)d characters.") % {"n": QUESTION_MAX_LENGTH},
            )
        )
    elif len(set(questions)) != len(questions):
        errors.append(FieldError(field="questions", detail=_("Each question must differ from the others.")))
    return questions


def _text_list(value: Any, name: str, errors: list[FieldError]) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list | tuple) or not all(isinstance(item, str) for item in value):
        errors.append(FieldError(field=f"target.{name}", detail=_("Expected a list of texts.")))
        return []
    return sorted({item.strip() for item in value if item.strip()})


def campaign_target(value: Any, errors: list[FieldError]) -> dict:
    """The target's shape: known criteria only, lists of texts, true/false flags. Whether the
    client types and managers named exist in the department is the service's to ask."""
    if value is None:
        value = {}
    if not isinstance(value, dict):
        errors.append(FieldError(field="target", detail=_("Expected an object.")))
        return {}
    unknown = sorted(set(value) - set(TARGET_KEYS))
    if unknown:
        errors.append(
            FieldError(
                field="target",
                detail=_("Unknown criteria: %(keys)s. Known: %(known)s.")
                % {"keys": ", ".join(map(str, unknown)), "known": ", ".join(TARGET_KEYS)},
            )
        )
    types = _text_list(value.get("client_types"), "client_types", errors)
    regions = _text_list(value.get("regions"), "regions", errors)
    managers = _text_list(value.get("managers"), "managers", errors)
    flags = {}
    for name in ("dormant", "declined_earlier"):
        flag = value.get(name, False)
        if not isinstance(flag, bool):
            errors.append(FieldError(field=f"target.{name}", detail=_("Expected true or false.")))
        flags[name] = flag is True
    return {"client_types": types, "regions": regions, "managers": managers, **flags}
