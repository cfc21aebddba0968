// The tags most used in the last 24 hours (GET /api/tags/trending), each a link to its search. Beside the
// feed where the screen is wide enough for a third column (Layout), on the Search page where it is not.
import { Link } from "react-router";
import { routes } from "../app/routes.js";
import { trendingTags } from "../lib/tags.js";
import { useMediaQuery } from "../lib/use-media.js";
import { useResource } from "../lib/use-paged.js";
import { Empty, ErrorNotice, Loading } from "./PageState.jsx";

/** True where Trending is a column beside the page (styles.css gives .app its third column then). */
export const useTrendingBeside = () => useMediaQuery("(min-width: 64rem)");

const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;

/** `as`: the element around it, "aside" for the column beside the page. */
export function TrendingPanel({ as: Frame = "section" }) {
  const trending = useResource(() => trendingTags(), []);
  return (
    <Frame className="trending" aria-labelledby="trending-title">
      <h2 id="trending-title">Trending</h2>
      {trending.status === "loading" && <Loading label="Loading tags…" />}
      <ErrorNotice error={trending.error} onRetry={trending.retry} polite />
      {trending.status === "ready" &&
        (trending.data.items.length === 0 ? (
          <Empty>No tags in the last 24 hours yet.</Empty>
        ) : (
          <ol className="trending-list">
            {trending.data.items.map((t) => (
              <li key={t.tag}>
                <Link to={routes.search.link(`#${t.tag}`)}>
                  <span className="trending-tag">#{t.tag}</span>
                  <span className="muted">
                    {plural(t.cruds, "crud", "cruds")} by {plural(t.people, "person", "people")}
                  </span>
                </Link>
              </li>
            ))}
          </ol>
        ))}
    </Frame>
  );
}
