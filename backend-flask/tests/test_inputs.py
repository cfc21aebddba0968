"""Reading what clients send: the depth bound counts nesting, not brackets, and ignores brackets in strings."""
import pytest

from cruddur.inputs import MAX_JSON_DEPTH, JsonRefused, loads


def test_many_brackets_side_by_side_are_not_depth():
    assert loads("[" + ",".join(["[[]]"] * 100) + "]") == [[[]]] * 100


def test_brackets_and_escaped_quotes_inside_strings_are_not_depth():
    text = '["\\"' + "[" * 100 + '", {"k": "}}}' + "{" * 100 + '"}]'
    assert loads(text.encode()) == ['"' + "[" * 100, {"k": "}}}" + "{" * 100}]


@pytest.mark.parametrize("text", ["[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1),
                                  '{"a": ' * (MAX_JSON_DEPTH + 1) + "1" + "}" * (MAX_JSON_DEPTH + 1),
                                  "[" * 100_000])
def test_nesting_past_the_bound_is_refused_before_parsing(text):
    with pytest.raises(JsonRefused, match="nested deeper"):
        loads(text)
