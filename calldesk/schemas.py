"""What the API's bodies are made of (API.md, "Conventions"), for the Schemas of every app's api.py.

Money and quantities travel as decimal strings and times as ISO 8601 text, shaped by the
endpoint (`f"{value:.2f}"`, `isoformat()`), so these types describe the text in the served
OpenAPI without parsing it again: a body is never re-formatted on its way out, and the contract
tests (tests/calldesk/test_openapi_contract.py) check real bodies against the served schema.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import WithJsonSchema

from calldesk.errors import ErrorOut

Money = Annotated[
    str,
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^-?\d+\.\d{2}$",
            "description": "Roubles as a decimal string with two places, never a float.",
            "examples": ["12500.00"],
        }
    ),
]
Quantity = Annotated[
    str,
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^\d+\.\d{3}$",
            "description": "A quantity as a decimal string with three places.",
            "examples": ["2.500"],
        }
    ),
]
DateText = Annotated[str, WithJsonSchema({"type": "string", "format": "date", "examples": ["2026-12-03"]})]
DateTimeText = Annotated[
    str,
    WithJsonSchema(
        {
            "type": "string",
            "format": "date-time",
            "description": "ISO 8601 with the offset.",
            "examples": ["2026-12-03T10:15:00+03:00"],
        }
    ),
]


def one_of(*values: str) -> Any:
    """A code from a fixed set (a status, an outcome), listed in the schema."""
    return Annotated[str, WithJsonSchema({"type": "string", "enum": list(values)})]


# Every operation that takes a token may answer these with the one error body: 400 (the body or
# the query is not valid, or holds text no database stores), 401 (no valid token), 403 (the
# access matrix), 503 (the database went away mid-request).
ALWAYS = (400, 401, 403, 503)


def error_responses(*codes: int) -> dict[int, type[ErrorOut]]:
    """`response={200: XOut, **error_responses(404, 409)}`: the error statuses an operation may
    answer besides ALWAYS, each with the one error body of API.md."""
    return dict.fromkeys(sorted({*ALWAYS, *codes}), ErrorOut)
