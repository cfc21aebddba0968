import { useParams } from "react-router";
import { handleFromSegment } from "../app/routes.js";
import { ActivityItem } from "../components/ActivityItem.jsx";
import { Composer } from "../components/Composer.jsx";
import { NotFound } from "../components/NotFound.jsx";
import { Empty, ErrorNotice, Loading } from "../components/PageState.jsx";
import { activityWithReplies, MAX_CRUD_LENGTH, replyTo } from "../lib/activities.js";
import { usePolling } from "../lib/live.js";
import { useSession } from "../lib/session.jsx";
import { useResource } from "../lib/use-paged.js";

export default function ActivityPage() {
  const { handle: segment, uuid } = useParams();
  const handle = handleFromSegment(segment);
  const session = useSession();
  const thread = useResource(() => (handle ? activityWithReplies(handle, uuid) : Promise.resolve(null)), [handle, uuid]);
  // New replies (and counts) appear while the crud is open; a failed poll leaves the page as it was.
  usePolling(async () => thread.set(await activityWithReplies(handle, uuid)), { enabled: thread.status === "ready" && !!handle }, [handle, uuid]);

  // No such crud (expired, never posted, or an address that is no crud's) is the app's own 404, as for any
  // unknown address, not an error notice under a "Crud" heading.
  if (!handle || thread.error?.status === 404) return <NotFound />;

  async function reply(message) {
    const created = await replyTo(uuid, message);
    thread.set({
      activity: { ...thread.data.activity, replies_count: thread.data.activity.replies_count + 1 },
      replies: [...thread.data.replies, created],
    });
  }

  return (
    <section className="page" aria-labelledby="activity-title">
      <h1 id="activity-title">Crud</h1>
      {thread.status === "loading" && <Loading />}
      <ErrorNotice error={thread.error} onRetry={thread.retry} />
      {thread.status === "ready" && (
        <>
          <ActivityItem activity={thread.data.activity} linkToActivity={false} />
          {session.status === "signedIn" && (
            <Composer label="Your reply" max={MAX_CRUD_LENGTH} submitLabel="Reply" busyLabel="Replying…" doneLabel="Your reply is posted." onSubmit={reply} />
          )}
          <section aria-labelledby="replies-title" className="feed">
            <h2 id="replies-title">Replies</h2>
            {thread.data.replies.length === 0 ? (
              <Empty>No replies yet.</Empty>
            ) : (
              <ul className="feed-list">
                {thread.data.replies.map((r) => (
                  <li key={r.uuid}>
                    <ActivityItem activity={r} />
                  </li>
                ))}
              </ul>
            )}
          </section>
        </>
      )}
    </section>
  );
}
