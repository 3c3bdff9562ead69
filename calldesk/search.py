"""The search rule of the desk, written once: what an operator types finds a client (III.1) or a
product (II.2, III.18) as a Russian types it.

Both the stored text (`search_text` on a client and a product, written by the services that
write names) and the query are folded here, in Python, by `normalise`: every alphabet's case
(`casefold`), ё as е, quotes and punctuation as spaces (« » „ “ " ' - , ...), a decimal comma as
a point ("0,5" and "0.5" are one word), letters and digits as separate words ("BV00231" is
"bv 00231"), and legal forms such as "ООО" or "ИП" kept as ordinary words. A query matches a row
when every one of its words is part of the row's text, in any order (`words_match`).

So the database only compares already-folded text with LIKE: SQLite's LIKE, which folds ASCII
only, and PostgreSQL's, served by a trigram index over the one column, give the same answers.
"""

from __future__ import annotations

import re
import unicodedata

from django.db.models import Q

# A word is a run of letters, or a number whose parts a point or a comma separates ("0,5").
_WORD = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+")


def words_of(text: str) -> list[str]:
    """The words of `text` as search compares them (see the module's docstring)."""
    folded = unicodedata.normalize("NFKC", text).casefold().replace("ё", "е")
    return [word.replace(",", ".") for word in _WORD.findall(folded)]


def normalise(*parts: str) -> str:
    """The searchable text of the given fields: their words, each folded, joined by one space."""
    return " ".join(word for part in parts for word in words_of(part))


def words_match(field: str, term: str) -> Q | None:
    """A filter on `field` (a normalised column) for rows holding every word of `term`, in any
    order, each as a whole word or a part of one ("ромаш" finds «Магазин Ромашка»). None when
    `term` has no word at all (only punctuation or spaces)."""
    words = list(dict.fromkeys(words_of(term)))  # a repeated word is one condition
    if not words:
        return None
    condition = Q()
    for word in words:
        condition &= Q(**{f"{field}__contains": word})
    return condition
