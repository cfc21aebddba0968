// A crud's text with its @mentions linked to the profiles and its #tags to a search for them.
import { Link } from "react-router";
import { routes } from "../app/routes.js";
import { linkParts } from "../lib/text-links.js";

export function CrudText({ text }) {
  return linkParts(text).map((part, i) => {
    if (part.handle) return <Link key={i} to={routes.user.link(part.handle)}>{part.text}</Link>;
    if (part.tag) return <Link key={i} to={routes.search.link(part.text)}>{part.text}</Link>;
    return part.text;
  });
}
