"""The search rule's folding (calldesk.search): what is stored and what is typed become the same
words, whatever the alphabet's case, ё, quotes or punctuation."""

import pytest
from django.db.models import Q

from calldesk.search import normalise, words_match, words_of


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("ООО «Ромашка»", ["ооо", "ромашка"]),
        ("Магазин „Ромашка“", ["магазин", "ромашка"]),
        ('ИП "Ёлкин" А.В.', ["ип", "елкин", "а", "в"]),
        ("ЁЛКА ёлка Елка", ["елка", "елка", "елка"]),
        ("Butter, 0.5 kg", ["butter", "0.5", "kg"]),
        ("масло 0,5 л", ["масло", "0.5", "л"]),
        ("BV-00231", ["bv", "00231"]),
        ("BV00231", ["bv", "00231"]),
        ("O'Hara's", ["o", "hara", "s"]),
        ("Straße", ["strasse"]),
        ("  Кафе\t«Уют»\n", ["кафе", "уют"]),
        ("Молоко 3,2%", ["молоко", "3.2"]),
        ("1 000,50", ["1", "000.50"]),
        ("«»—…", []),
    ],
)
def test_words_fold_case_yo_quotes_and_punctuation(text, words):
    assert words_of(text) == words


def test_decomposed_letters_fold_as_the_composed_ones():
    # й and ё typed as a letter and a combining mark (as some keyboards and PDFs give them)
    assert normalise("Чаи\u0306 е\u0308лочка") == normalise("Чай ёлочка") == "чай елочка"


def test_the_stored_text_joins_every_field_s_words_with_one_space():
    assert normalise("ООО «Ромашка»", "7701000001") == "ооо ромашка 7701000001"
    assert normalise("BV-00231", "Butter, 0.5 kg") == "bv 00231 butter 0.5 kg"


def test_every_word_of_the_query_is_one_condition_in_any_order():
    assert words_match("search_text", "Ромашка, ООО ромашка") == Q(search_text__contains="ромашка") & Q(
        search_text__contains="ооо"
    )
    assert words_match("search_text", "«» — !") is None
