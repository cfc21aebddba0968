// A paged list of cruds; `withReason` says why each is there (notifications).
import { ActivityItem } from "./ActivityItem.jsx";
import { PagedList } from "./PagedList.jsx";

export function ActivityFeed({ feed, label, heading, empty, withReason = false }) {
  return (
    <PagedList list={feed} label={label} heading={heading} className="feed" loadingLabel="Loading cruds…" empty={empty}>
      {(activities) => (
        <ul className="feed-list">
          {activities.map((a) => (
            // one crud liked by several people is several notifications
            <li key={withReason ? `${a.uuid} ${a.reason} ${a.actor?.handle}` : a.uuid}>
              <ActivityItem activity={a} reason={withReason ? a.reason : undefined} />
            </li>
          ))}
        </ul>
      )}
    </PagedList>
  );
}
