"""Money as a person reads it: one function for every screen, message and sentence, by the rules
of CLDR (through Babel) for the language being spoken.

"Around the job": money is one configurable currency (settings.CURRENCY), amounts are exact
decimals, and the interface speaks English, Russian and Romanian; so a Russian reads
"8 543,23 ₽", a Romanian "8.543,23 RUB", an English reader "RUB 8,543.23". The API and files
stay canonical ("8543.23", API.md); this is only for people.
"""

from __future__ import annotations

import unicodedata
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from babel import Locale
from babel.numbers import NumberPattern, get_currency_symbol
from django.conf import settings
from django.utils import translation

CENT = Decimal("0.01")
# CLDR's currencySpacing: between a currency sign made of letters ("RUB") and a digit, a
# no-break space. Babel applies the locale's pattern but not this rule, so it is applied here.
CURRENCY_SPACE = "\u00a0"


def cldr_locale(language: str | None = None) -> str:
    """The CLDR locale of a language code ("ru", "en-gb" -> "en_GB"); the active language by
    default, LANGUAGE_CODE when none is active (a management command, a task)."""
    return translation.to_locale(language or translation.get_language() or settings.LANGUAGE_CODE)


def format_money(
    amount: Decimal | int | str | None, *, currency: str | None = None, language: str | None = None
) -> str:
    """`amount` in `currency` (settings.CURRENCY) as readers of `language` (the active one)
    write it, to the cent, half up; "" for None. Exact: never through float."""
    if amount is None or amount == "":
        return ""
    value = Decimal(str(amount)).quantize(CENT, rounding=ROUND_HALF_UP)
    code = currency or settings.CURRENCY
    pattern, locale, symbol = _currency_format(cldr_locale(language), code)
    return _spaced(pattern.apply(value, locale, currency=code), symbol)


@lru_cache(maxsize=64)
def _currency_format(locale_code: str, currency: str) -> tuple[NumberPattern, Locale, str]:
    """The locale's standard currency pattern, the parsed locale and the currency's sign, read
    from CLDR once per locale and currency (Babel parses them anew on every call otherwise: a
    page of sums spent more time there than on its queries). `format_currency`'s own default
    path: the "standard" pattern, the locale's currency digits."""
    locale = Locale.parse(locale_code)
    return locale.currency_formats["standard"], locale, get_currency_symbol(currency, locale=locale)


def currency_symbol(*, currency: str | None = None, language: str | None = None) -> str:
    """The currency's sign as readers of `language` know it: "₽" in Russian, "RUB" in English."""
    return _currency_format(cldr_locale(language), currency or settings.CURRENCY)[2]


def _spaced(text: str, symbol: str) -> str:
    """Insert CLDR's currency space between a lettered sign and the number it touches."""
    at = text.find(symbol) if symbol else -1
    if at < 0:
        return text
    end = at + len(symbol)
    if end < len(text) and text[end].isdigit() and _is_letter_like(symbol[-1]):
        return text[:end] + CURRENCY_SPACE + text[end:]
    if at > 0 and text[at - 1].isdigit() and _is_letter_like(symbol[0]):
        return text[:at] + CURRENCY_SPACE + text[at:]
    return text


def _is_letter_like(character: str) -> bool:
    """CLDR's [[:^S:]&[:^Z:]]: neither a symbol (₽, $) nor a space."""
    return unicodedata.category(character)[0] not in "SZ"
