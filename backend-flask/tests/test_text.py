"""The text rule (cruddur.services.text) and the OpenAPI document's statement of it are the same rule."""
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cruddur import openapi
from cruddur.errors import Invalid
from cruddur.services.text import PLAIN_TEXT, VISIBLE_TEXT, visible, written

SCHEMAS = openapi.load()["components"]["schemas"]
LIMIT = 10_000

# What hostile text is made of: controls (C0, C1, DEL), escape sequences, the invisible characters, the
# odd Unicode (surrogate-free: JSON text cannot carry lone ones to this check) and plain letters.
pieces = st.one_of(
    st.characters(min_codepoint=0, max_codepoint=0x9F),
    st.sampled_from(["\x1b[31m", "\x1b[0m", "\x1b]0;title\x07", "\x9b2J", "\u200b", "\u200d", "\ufeff", "\u2060",
                     "\u3164", "\u2800", "\xa0", "\u00ad", "\u202e", "\ufe0f", " ", "\t", "\n", "\r"]),
    st.characters(exclude_categories=["Cs"]),
    st.sampled_from("a1é漢😀"),
)
texts = st.lists(pieces, max_size=12).map("".join)


def accepted(raw: str, blank) -> bool:
    try:
        written(raw, LIMIT, "message", too_long="too long", blank=blank)
    except Invalid:
        return False
    return True


def test_the_document_states_the_rule_the_code_applies():
    assert (SCHEMAS["VisibleText"]["pattern"], SCHEMAS["PlainText"]["pattern"]) == (VISIBLE_TEXT, PLAIN_TEXT)


@given(texts)
def test_text_is_accepted_exactly_when_the_visible_text_pattern_matches(raw):
    assert accepted(raw, blank="blank") == bool(re.search(VISIBLE_TEXT, raw))


@given(texts)
def test_text_that_may_be_blank_is_accepted_exactly_when_the_plain_text_pattern_matches(raw):
    assert accepted(raw, blank=None) == bool(re.search(PLAIN_TEXT, raw))


@pytest.mark.parametrize("raw", ["\u200b", "\ufeff", " \u200c\u200d\u2060 ", "\x1b[31m\x1b[0m", "\x00\x01\x7f\x85",
                                 "\u3164\u115f\u2800", "\x1b]0;pwned\x07", "\u202e\u2066"])
def test_nothing_visible_is_blank(raw):
    assert visible(raw) == ""
    with pytest.raises(Invalid) as refused:
        written(raw, LIMIT, "message", too_long="too long", blank="blank")
    assert refused.value.code == "message_blank"


def test_invisible_characters_around_the_text_are_dropped_and_inside_it_kept():
    assert written("\ufeff\u200b a\u200db \n", LIMIT, "message", too_long="", blank="") == "a\u200db"
