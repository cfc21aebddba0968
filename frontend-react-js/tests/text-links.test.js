// The web app finds @mentions and #tags as the API does: both are held to backend-flask/tests/text_links.json
// (tests/test_text_links.py reads it on the API's side), so the two rules cannot drift apart.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { linkParts } from "../src/lib/text-links.js";

const { cases } = JSON.parse(readFileSync(join(import.meta.dirname, "../../backend-flask/tests/text_links.json"), "utf8"));

describe("mentions and tags in a crud's text", () => {
  it.each(cases.map((c) => [c.text, c]))("%j", (_text, { text, mentions, tags }) => {
    const parts = linkParts(text);
    expect(parts.filter((p) => p.handle).map((p) => p.handle)).toEqual(mentions);
    expect([...new Set(parts.filter((p) => p.tag).map((p) => p.tag.toLowerCase()))]).toEqual(tags);
    // nothing is lost or added: the pieces are the text, as the API reads it
    expect(parts.map((p) => p.text).join("")).toBe(text.normalize("NFC"));
    for (const p of parts.filter((p) => p.handle || p.tag)) expect(p.text).toBe(p.handle ? `@${p.handle}` : `#${p.tag}`);
  });
});
