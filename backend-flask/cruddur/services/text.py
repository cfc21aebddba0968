"""The one rule every piece of text people write follows (cruds, replies, messages, names, bios, search
words): at most its limit as sent, no control characters, and not blank once the invisible is gone.

The OpenAPI document states the same rule as the patterns of its VisibleText and PlainText schemas;
tests/test_text.py holds the two to each other.
"""
import re

from cruddur.errors import Invalid

# Refused anywhere in text: C0 controls but tab, line feed and carriage return; DEL; C1 controls.
CONTROLS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
# Characters that show nothing on their own: white space, zero-width spaces and joiners, direction
# marks, the BOM, soft hyphens, variation selectors, Hangul and Braille blanks. Only the Basic
# Multilingual Plane: the document's patterns are ECMA-262, where astral ranges need the u flag.
INVISIBLE = (r"\t\n\r \xa0\xad\u034f\u061c\u115f\u1160\u1680\u17b4\u17b5\u180b-\u180f\u2000-\u200f"
             r"\u2028-\u202f\u205f-\u206f\u2800\u3000\u3164\ufe00-\ufe0f\ufeff\uffa0")

VISIBLE_TEXT = f"^[{INVISIBLE}]*[^{CONTROLS}{INVISIBLE}][^{CONTROLS}]*$"
PLAIN_TEXT = f"^[^{CONTROLS}]*$"

_CONTROL = re.compile(f"[{CONTROLS}]")
_EDGES = re.compile(f"^[{INVISIBLE}]+|[{INVISIBLE}]+$")
# Terminal escape sequences (CSI, OSC, and the two-character ones): "\x1b[31m\x1b[0m" draws nothing.
_ANSI_ESCAPE = re.compile(r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]")
_UNSEEN = re.compile(f"[{CONTROLS}{INVISIBLE}]+")


def visible(raw: str) -> str:
    """What of `raw` shows on a screen: escape sequences, controls and invisible characters removed."""
    return _UNSEEN.sub("", _ANSI_ESCAPE.sub("", raw))


def written(raw: str, limit: int, field: str, *, too_long: str, blank: str | None) -> str:
    """`raw` without the invisible characters around it. Refused (as `too_long`, as `blank` unless that is
    None, or as invalid_character) when over `limit` characters as sent, when nothing visible is left,
    or when it holds a control character. Text allowed to be blank comes back empty when nothing shows."""
    if len(raw) > limit:
        raise Invalid(f"{field}_too_long", too_long)
    if blank is not None and not visible(raw):
        raise Invalid(f"{field}_blank", blank)
    if _CONTROL.search(raw):
        raise Invalid("invalid_character", f"Field {field} contains a control character.")
    return _EDGES.sub("", raw)


def posted_text(raw: str, limit: int, noun: str, verb: str) -> str:
    """A crud, reply or message; `noun` ("A crud") and `verb` ("posting") word the refusals."""
    return written(raw, limit, "message", too_long=f"{noun} holds {limit} characters at most.",
                   blank=f"Write something before {verb}.")
