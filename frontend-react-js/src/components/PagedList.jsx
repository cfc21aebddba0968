// Every paged list in the app (feeds, a profile's cruds, conversations, a conversation's messages)
// on top of usePaged: the loading, error and empty states, and the one "load more" button. Lists that
// page back in time (`older`) keep the button above the items, where the earlier ones will appear.
import { useId } from "react";
import { Empty, ErrorNotice, Loading } from "./PageState.jsx";

/** `children(items)` renders the items; `label` or `heading` names the list's region. */
export function PagedList({ list, label, heading, className, loadingLabel, empty, moreLabel = "Load more", children }) {
  const headingId = useId();
  if (list.status === "loading") return <Loading label={loadingLabel} />;
  if (list.status === "error") return <ErrorNotice error={list.error} onRetry={list.retry} />;

  const body = list.items.length === 0 ? <Empty>{empty}</Empty> : children(list.items);
  // A later page that failed is tried again with the same "Load more" button.
  const error = <ErrorNotice error={list.error} />;
  const more = list.nextCursor && (
    <button type="button" className="button-secondary" onClick={list.loadMore} disabled={list.more}>
      {list.more ? "Loading…" : moreLabel}
    </button>
  );
  return (
    <section aria-label={label} aria-labelledby={heading ? headingId : undefined} className={className}>
      {heading && <h2 id={headingId}>{heading}</h2>}
      {list.older ? (
        <>
          {more}
          {error}
          {body}
        </>
      ) : (
        <>
          {body}
          {error}
          {more}
        </>
      )}
    </section>
  );
}
