// A paged list of cruds with its loading, empty and error states and a "Load more" button.
import { ActivityItem } from "./ActivityItem.jsx";
import { Empty, ErrorNotice, Loading } from "./PageState.jsx";

export function ActivityFeed({ feed, label, empty, withReason = false }) {
  if (feed.status === "loading") return <Loading label="Loading cruds…" />;
  if (feed.status === "error") return <ErrorNotice error={feed.error} />;
  return (
    <section aria-label={label} className="feed">
      {feed.items.length === 0 ? (
        <Empty>{empty}</Empty>
      ) : (
        <ul className="feed-list">
          {feed.items.map((a) => (
            <li key={a.uuid}>
              <ActivityItem activity={a} reason={withReason ? a.reason : undefined} />
            </li>
          ))}
        </ul>
      )}
      <ErrorNotice error={feed.error} />
      {feed.nextCursor && (
        <button type="button" className="button-secondary" onClick={feed.loadMore} disabled={feed.more}>
          {feed.more ? "Loading…" : "Load more"}
        </button>
      )}
    </section>
  );
}
