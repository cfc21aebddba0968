// What in a crud's text is an @mention and what a #tag, by the API's rules: a mention as notifications_for
// finds it (migration 0003), a tag as crud_tags_in does (0006). backend-flask/tests/text_links.json holds
// both sides to the same cases (tests/text-links.test.js here, tests/test_text_links.py there).
//
// A mention is "@" and a handle's characters (A-Z, a-z, 0-9, _), with none of them right before the "@" (an
// e-mail address is no mention). A tag is "#" and a run of Unicode letters, decimal digits and "_" holding a
// letter ("#1" is no tag), with none of those right before the "#" (C#, a URL's #fragment). Neither can hold
// or touch the other, so one pass finds both. The text is NFC first, as the API reads it for tags.
const LINKS = /(?<![A-Za-z0-9_])@([A-Za-z0-9_]+)|(?<![\p{L}\p{Nd}_])#([\p{L}\p{Nd}_]*\p{L}[\p{L}\p{Nd}_]*)/gu;

/**
 * `text` in pieces, in order: `{ text }` as it is, `{ text: "@Bayko", handle: "Bayko" }`, or
 * `{ text: "#Fargate", tag: "Fargate" }`. Joined, the pieces' text is `text` in NFC.
 */
export function linkParts(text) {
  const source = text.normalize("NFC");
  const parts = [];
  let at = 0;
  for (const found of source.matchAll(LINKS)) {
    if (found.index > at) parts.push({ text: source.slice(at, found.index) });
    parts.push(found[1] ? { text: found[0], handle: found[1] } : { text: found[0], tag: found[2] });
    at = found.index + found[0].length;
  }
  if (at < source.length) parts.push({ text: source.slice(at) });
  return parts;
}
