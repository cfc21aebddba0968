import { Link, useNavigate } from "react-router";
import { routes } from "../app/routes.js";
import { Avatar } from "../components/Avatar.jsx";
import { Field } from "../components/Field.jsx";
import { PagedList } from "../components/PagedList.jsx";
import { usePolling } from "../lib/live.js";
import { messageGroups } from "../lib/messages.js";
import { ago } from "../lib/time.js";
import { usePaged } from "../lib/use-paged.js";

export default function MessagesPage() {
  const groups = usePaged((cursor) => messageGroups({ cursor }), []);
  usePolling(() => groups.refresh(), { enabled: groups.status === "ready" });
  const navigate = useNavigate();

  function startConversation(event) {
    event.preventDefault();
    const handle = new FormData(event.currentTarget).get("handle").trim().replace(/^@/, "");
    if (handle) navigate(routes.newConversation.link(handle));
  }

  return (
    <section className="page" aria-labelledby="messages-title">
      <h1 id="messages-title">Messages</h1>
      <form className="inline-form" onSubmit={startConversation} aria-label="New conversation">
        <Field label="Message someone new (handle)" name="handle" placeholder="@handle" autoComplete="off" required />
        <button type="submit">Start</button>
      </form>
      <PagedList list={groups} label="Conversations" loadingLabel="Loading conversations…" empty="No conversations yet.">
        {(conversations) => (
          <ul className="groups">
            {conversations.map((g) => (
              <li key={g.uuid}>
                <Link to={routes.conversation.link(g.uuid)} className={g.unread ? "group group-unread" : "group"}>
                  <span>
                    <Avatar person={g} />
                    <strong>{g.display_name}</strong> <span className="handle">@{g.handle}</span>
                    {g.unread && <span className="unread-label"> New</span>}
                  </span>
                  <span className="group-last">{g.message}</span>
                  <time dateTime={g.created_at}>{ago(g.created_at)}</time>
                </Link>
              </li>
            ))}
          </ul>
        )}
      </PagedList>
    </section>
  );
}
