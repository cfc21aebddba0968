import { ActivityFeed } from "../components/ActivityFeed.jsx";
import { notifications } from "../lib/activities.js";
import { usePaged } from "../lib/use-paged.js";

export default function NotificationsPage() {
  const feed = usePaged((cursor) => notifications({ cursor }), []);
  return (
    <section className="page" aria-labelledby="notifications-title">
      <h1 id="notifications-title">Notifications</h1>
      <ActivityFeed
        feed={feed}
        label="Replies, mentions, likes and reposts"
        empty="Nothing new. Replies, mentions, likes and reposts of your cruds show up here."
        withReason
      />
    </section>
  );
}
