import { useEffect } from "react";
import { ActivityFeed } from "../components/ActivityFeed.jsx";
import { notifications, notificationsSeen } from "../lib/activities.js";
import { publishUnread, usePolling } from "../lib/live.js";
import { usePaged } from "../lib/use-paged.js";

export default function NotificationsPage() {
  const feed = usePaged((cursor) => notifications({ cursor }), []);
  const top = feed.items[0]?.uuid;
  // What is on screen has been seen: marked when it first shows and whenever news arrives at the top.
  // A failed mark is left to the next one (the count in the navigation simply stays up meanwhile).
  useEffect(() => {
    if (feed.status === "ready") notificationsSeen().then(publishUnread, () => {});
  }, [feed.status, top]);
  usePolling(() => feed.refresh(), { enabled: feed.status === "ready" });
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
