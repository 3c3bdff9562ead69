"""Pure rules of outbound work: when a market client counts as dormant (III.16), how the day's
calls are shared among the operators on duty, and what a campaign the head instructs must hold
(III.17). Values in, values out: no ORM, no request."""

from __future__ import annotations

import calendar
import operator
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from calldesk.errors import FieldError

# --- Dormancy (III.16) ----------------------------------------------------------------------------

DORMANCY_MONTHS = 6  # "more than two quarters (six months) in a row"


def dormancy_cutoff(day: date, *, months: int = DORMANCY_MONTHS) -> date:
    """The same day `months` calendar months earlier; the month's last day when it lacks that
    day (for 31 May: 30 November). A client is dormant with no order on or after this day."""
    month_index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(month_index, 12)
    month += 1
    last_day = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last_day))


def dormancy_conditions(cutoff: date) -> tuple[dict[str, Any], ...]:
    """III.16 as data, the one place it is written: a client is dormant when one of these
    holds, each meaning all of its lookups on the client's fields (`field__lt`: before the
    value; `field__isnull`: no value). The nightly list's query is built from them
    (`outbound.selectors.dormant_as_of`) and `is_dormant` reads them, so they cannot disagree."""
    return (
        {"last_order_on__lt": cutoff},  # no order on or after the cut-off
        {"last_order_on__isnull": True, "joined_on__lt": cutoff},  # never ordered, joined before it
    )


_COMPARISONS = {
    "": operator.eq,
    "exact": operator.eq,
    "lt": operator.lt,
    "lte": operator.le,
    "gt": operator.gt,
    "gte": operator.ge,
}


def _holds(values: dict[str, Any], key: str, bound: Any) -> bool:
    """One lookup (`field__lt`, `field__isnull`, ...) as the database reads it: a comparison with
    a missing value is never true."""
    name, _sep, lookup = key.partition("__")
    value = values[name]
    if lookup == "isnull":
        return (value is None) is bound
    if value is None:
        return False
    compare = _COMPARISONS.get(lookup)
    if compare is None:
        raise ValueError(f"Unsupported lookup: {key}")
    return compare(value, bound)


def meets_any(conditions: tuple[dict[str, Any], ...], values: dict[str, Any]) -> bool:
    """Whether `values` (field → value) meet one of `conditions`, each all of its lookups."""
    return any(
        all(_holds(values, key, bound) for key, bound in condition.items()) for condition in conditions
    )


def is_dormant(*, last_order_on: date | None, joined_on: date, cutoff: date) -> bool:
    """III.16: no order dated on or after the cut-off; a client who never ordered counts once it
    joined before the cut-off."""
    return meets_any(dormancy_conditions(cutoff), {"last_order_on": last_order_on, "joined_on": joined_on})


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
