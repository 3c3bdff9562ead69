"""The interface is translatable ("Around the job": English first, Russian and Romanian next):
every template string a person reads is marked for translation, the header's role badge reads
in the person's language, and a browser asking for Russian gets the Russian login page."""

from __future__ import annotations

import gettext
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.test import override_settings

TEMPLATES = Path(settings.BASE_DIR) / "templates"

# Attributes a person reads (or a screen reader says) beside the text of the page.
READ_ATTRIBUTES = {
    "title",
    "placeholder",
    "alt",
    "aria-label",
    "aria-description",
    "aria-roledescription",
    "aria-placeholder",
    "aria-valuetext",
    "label",
}
# Elements whose text is not a sentence: code, style, the keys of a shortcut.
CODE_ELEMENTS = {"script", "style", "kbd", "code"}
# A word that reads the same in every language: a key (Alt+D, F2, Esc), a file format or an
# abbreviation in capitals (CSV, XLSX, SKU).
CODE_WORD = re.compile(r"^(?:(?:Ctrl|Alt|Shift)\+\S+|F\d{1,2}|Esc|Enter|Tab|[A-Z]{2,5})$")
LETTER = re.compile(r"[^\W\d_]")


def without_template_code(source: str) -> str:
    """The template with its comments, marked text and template code taken out: what is left is
    the HTML a person reads untranslated. A {% block %}'s own name and a CSS class in one (the
    admin's `bodyclass`) are template code too."""
    source = re.sub(r"\{%\s*comment\b.*?%\}.*?\{%\s*endcomment\s*%\}", " ", source, flags=re.S)
    source = re.sub(r"\{#.*?#\}", " ", source, flags=re.S)
    marked = r"\{%\s*blocktrans(?:late)?\b.*?\{%\s*endblocktrans(?:late)?\s*%\}"
    source = re.sub(marked, " ", source, flags=re.S)
    source = re.sub(
        r"\{%\s*block\s+(?:bodyclass|extrastyle|extrahead|coltype|import_class)\s*%\}.*?\{%\s*endblock\b.*?%\}",
        " ",
        source,
        flags=re.S,
    )
    source = re.sub(r"\{%.*?%\}", " ", source, flags=re.S)
    return re.sub(r"\{\{.*?\}\}", " ", source, flags=re.S)


def is_words(text: str) -> bool:
    """Text with a word in it that is not a key, a format or an abbreviation."""
    return any(LETTER.search(word) and not CODE_WORD.match(word.strip(".,:;()·")) for word in text.split())


class UnmarkedText(HTMLParser):
    """Collects (line, where, text) for every text node and read attribute with words in it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str, str]] = []
        self.in_code = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in CODE_ELEMENTS:
            self.in_code += 1
        line = self.getpos()[0]
        values = dict(attrs)
        for name, value in attrs:
            if name in READ_ATTRIBUTES and value and is_words(value):
                self.found.append((line, f"<{tag} {name}>", value.strip()))
        if tag == "input" and values.get("type") in {"submit", "button", "reset"}:
            value = values.get("value") or ""
            if is_words(value):
                self.found.append((line, f"<{tag} value>", value.strip()))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in CODE_ELEMENTS:
            self.in_code -= 1

    def handle_endtag(self, tag: str) -> None:
        if tag in CODE_ELEMENTS and self.in_code:
            self.in_code -= 1

    def handle_data(self, data: str) -> None:
        if not self.in_code and is_words(data):
            self.found.append((self.getpos()[0], "text", " ".join(data.split())))


def unmarked(source: str) -> list[tuple[int, str, str]]:
    parser = UnmarkedText()
    parser.feed(without_template_code(source))
    parser.close()
    return parser.found


def test_every_template_string_is_marked_for_translation():
    templates = sorted(TEMPLATES.rglob("*.html"))
    assert len(templates) > 25
    found = [
        f"{path.relative_to(TEMPLATES)}:{line}: {where} {text!r}"
        for path in templates
        for line, where, text in unmarked(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_every_template_that_shows_text_loads_i18n():
    sources = {path: path.read_text(encoding="utf-8") for path in sorted(TEMPLATES.rglob("*.html"))}
    missing = [
        str(path.relative_to(TEMPLATES))
        for path, source in sources.items()
        if re.search(r"\{%\s*(?:translate|trans|blocktranslate|blocktrans)\b", source)
        and not re.search(r"\{%\s*load\b[^%]*\bi18n\b", source)
    ]
    assert missing == []


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("<p>Client card</p>", [(1, "text", "Client card")]),
        ("<p>Карточка клиента</p>", [(1, "text", "Карточка клиента")]),
        ('<input placeholder="Name or tax id">', [(1, "<input placeholder>", "Name or tax id")]),
        ('<img alt="Logo" src="x.svg">', [(1, "<img alt>", "Logo")]),
        ('<nav aria-label="Main">', [(1, "<nav aria-label>", "Main")]),
        ('<a title="Open">{% translate "Open" %}</a>', [(1, "<a title>", "Open")]),
        ('<input type="submit" value="Save">', [(1, "<input value>", "Save")]),
        ("<h1>{% translate 'Desk' %} calldesk</h1>", [(1, "text", "calldesk")]),
        ("{% translate 'Desk' %}", []),
        ("<p title=\"{% translate 'Open' %}\">{{ client.name }}</p>", []),
        ("{% blocktranslate with n=count %}{{ n }} clients{% endblocktranslate %}", []),
        ("{# a note for developers #}<!-- and HTML comments -->", []),
        ("{% comment %}Not shown{% endcomment %}", []),
        ("<script>var label = 'Total';</script><style>p::after { content: 'x'; }</style>", []),
        ("{% translate 'Desk' %} <kbd>Alt+D</kbd> <kbd>Esc</kbd>", []),
        ("<td>CSV</td> <td>XLSX</td> · 12 500,00 ₽", []),
        ("<b>Alt+D</b> F2", []),
        ("{% block bodyclass %}price-list-import{% endblock %}", []),
        ("{% if x %}<p>Hello</p>{% endif %}", [(1, "text", "Hello")]),
    ],
)
def test_the_scanner_finds_unmarked_text_and_only_that(source, found):
    assert unmarked(source) == found


def test_a_browser_asking_for_russian_gets_the_russian_login_page(client):
    response = client.get("/login/", headers={"accept-language": "ru-RU,ru;q=0.9,en;q=0.5"})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ru">' in html
    assert "<title>Вход · calldesk</title>" in html
    assert "<h1>Вход в calldesk</h1>" in html
    assert '<label for="id_username">Имя пользователя</label>' in html
    assert '<label for="id_password">Пароль</label>' in html
    assert '<button type="submit" class="primary">Войти</button>' in html
    assert "Клавиатура:" in html


def test_a_browser_asking_for_another_language_gets_english(client):
    with override_settings(LANGUAGE_CODE="en"):
        html = client.get("/login/", headers={"accept-language": "de"}).content.decode()
    assert '<html lang="en">' in html
    assert "<h1>Log in to calldesk</h1>" in html


@pytest.mark.parametrize(
    ("language", "badge"),
    [("en", "Operator"), ("ru", "Оператор")],
)
def test_the_header_badge_names_the_role_in_the_readers_language(client, staff_of, language, badge):
    client.force_login(staff_of("operator"))
    html = client.get("/desk/", headers={"accept-language": language}).content.decode()
    assert f'<span class="badge role-operator">{badge}</span>' in html


# --- The catalogues ------------------------------------------------------------------------------
# locale/<lang>/LC_MESSAGES/django.po is what translators write; the .mo beside it is what Django
# serves, committed so that a fresh machine needs no GNU gettext (`make messages` compiles it).

LOCALE = Path(settings.BASE_DIR) / "locale"
CATALOGUE_LANGUAGES = ["ru", "ro"]
BRACE_FIELD = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")


def catalogue_files(language: str) -> list[Path]:
    return sorted((LOCALE / language / "LC_MESSAGES").glob("*.po"))


def read_catalogue(path: Path):
    with path.open("rb") as file:
        return read_po(file, abort_invalid=True)


def translations(message) -> list[str]:
    return list(message.string) if isinstance(message.string, tuple | list) else [message.string]


def test_every_language_of_the_desk_has_a_catalogue():
    assert [code for code, _name in settings.LANGUAGES if code != "en"] == CATALOGUE_LANGUAGES
    for language in CATALOGUE_LANGUAGES:
        assert [path.name for path in catalogue_files(language)] in (
            ["django.po"],
            ["django.po", "djangojs.po"],
        )


@pytest.mark.parametrize("language", CATALOGUE_LANGUAGES)
def test_every_message_is_translated_and_none_is_fuzzy(language):
    for path in catalogue_files(language):
        catalogue = read_catalogue(path)
        assert not catalogue.fuzzy, f"{path}: the header is fuzzy"
        assert str(catalogue.locale) == language
        assert len(catalogue) > 1000
        untranslated = [message.id for message in catalogue if message.id and not all(translations(message))]
        fuzzy = [message.id for message in catalogue if message.id and message.fuzzy]
        assert (untranslated, fuzzy) == ([], [])


def test_russian_has_three_plural_forms():
    catalogue = read_catalogue(LOCALE / "ru" / "LC_MESSAGES" / "django.po")
    assert catalogue.num_plurals == 3
    assert catalogue.plural_expr == (
        "(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2)"
    )


@pytest.mark.parametrize("language", CATALOGUE_LANGUAGES)
def test_placeholders_match_between_msgid_and_msgstr(language):
    """Babel's checkers: the number of plural forms, and python-format placeholders (%(name)s,
    %d, %%) the same in every msgstr as in its msgid; and a {name} field kept as it is."""
    for path in catalogue_files(language):
        catalogue = read_catalogue(path)
        problems = []
        for message in catalogue:
            if not message.id:
                continue
            problems += [f"{message.id!r}: {error}" for error in message.check(catalogue)]
            ids = [message.id] if isinstance(message.id, str) else list(message.id)
            wanted = sorted(set(BRACE_FIELD.findall(" ".join(ids))))
            for text in translations(message):
                if sorted(set(BRACE_FIELD.findall(text))) != wanted:
                    problems.append(f"{message.id!r}: {{fields}} {wanted} in {text!r}")
        assert problems == []


def messages_of(translations: gettext.GNUTranslations) -> dict:
    catalog = translations._catalog  # type: ignore[attr-defined]
    return {key: text for key, text in catalog.items() if key != "" and text != ""}


@pytest.mark.parametrize("language", CATALOGUE_LANGUAGES)
def test_the_committed_mo_is_the_po_compiled(language):
    """The .mo Django serves says what the .po says: compiled in memory with Babel, its messages
    are those of the committed .mo (so nobody forgets `make messages` after editing a .po)."""
    for path in catalogue_files(language):
        compiled = io.BytesIO()
        write_mo(compiled, read_catalogue(path))
        compiled.seek(0)
        with path.with_suffix(".mo").open("rb") as committed:
            served = gettext.GNUTranslations(committed)
        expected = gettext.GNUTranslations(compiled)
        # The header ("") differs in what each compiler writes; an empty form is not a message.
        assert messages_of(served) == messages_of(expected)
        assert served.plural(1) == expected.plural(1)
        assert [served.plural(n) for n in (0, 1, 2, 5, 11, 21, 22, 25, 101, 111)] == [
            expected.plural(n) for n in (0, 1, 2, 5, 11, 21, 22, 25, 101, 111)
        ]


def _message_keys(path: Path) -> set[tuple[str | None, str]]:
    return {(message.context, str(message.id)) for message in read_catalogue(path) if message.id}


def test_the_catalogues_hold_every_message_the_code_and_templates_mark(tmp_path):
    """A message marked in the code after the catalogues were last extracted is not in them,
    so it would show in English whatever the reader's language: extract again, as `make
    messages` does, in a copy of the committed tree, and compare the messages (GNU gettext's
    xgettext does the extracting, as for `make messages`)."""
    import shutil
    import subprocess
    import sys

    assert shutil.which("xgettext"), "GNU gettext (xgettext) is needed to extract the messages"
    root = Path(settings.BASE_DIR)
    tracked = (
        subprocess.run(["git", "ls-files", "-z"], cwd=root, capture_output=True, check=True)
        .stdout.decode()
        .split("\0")
    )
    copy = tmp_path / "tree"
    for name in filter(None, tracked):
        if (root / name).is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(root / name, copy / name)
    ignored = ["--ignore=.venv", "--ignore=staticfiles", "--ignore=var", "--ignore=tests", "--ignore=bench"]
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "ru", "-l", "ro", *ignored, "--no-obsolete"],
        cwd=copy,
        capture_output=True,
        check=True,
        env={
            "PATH": "/usr/bin:/bin",
            "HOME": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": "calldesk.settings.test",
        },
    )
    for language in CATALOGUE_LANGUAGES:
        for path in catalogue_files(language):
            extracted = copy / path.relative_to(root)
            assert _message_keys(extracted) - _message_keys(path) == set(), f"run `make messages`: {path}"
