"""The one rule every piece of text people post follows: trimmed, not blank, not over its limit."""
from cruddur.errors import Invalid


def posted_text(raw: str, limit: int, noun: str, verb: str) -> str:
    """`raw` without surrounding white space; `noun` ("A crud") and `verb` ("posting") word the refusals."""
    text = raw.strip()
    if not text:
        raise Invalid("message_blank", f"Write something before {verb}.")
    if len(text) > limit:
        raise Invalid("message_too_long", f"{noun} holds {limit} characters at most.")
    return text
