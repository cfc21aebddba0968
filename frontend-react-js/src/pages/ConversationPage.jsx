import { useEffect } from "react";
import { Link, useParams } from "react-router";
import { routes } from "../app/routes.js";
import { Composer } from "../components/Composer.jsx";
import { MessageList } from "../components/MessageList.jsx";
import { PagedList } from "../components/PagedList.jsx";
import { publishUnread, usePolling } from "../lib/live.js";
import { conversation, conversationSeen, MAX_MESSAGE_LENGTH, sendMessage } from "../lib/messages.js";
import { useSession } from "../lib/session.jsx";
import { usePaged } from "../lib/use-paged.js";

export default function ConversationPage() {
  const { groupUuid } = useParams();
  const session = useSession();
  const thread = usePaged((cursor) => conversation(groupUuid, { cursor }), [groupUuid], { older: true });
  const other = thread.items.find((m) => m.handle !== session.user.handle);
  const last = thread.items.at(-1)?.uuid;
  // An open conversation shows new messages as they come, and what it shows has been read.
  usePolling(() => thread.refresh(), { enabled: thread.status === "ready" }, [groupUuid]);
  useEffect(() => {
    if (thread.status === "ready" && last) conversationSeen(groupUuid).then(publishUnread, () => {});
  }, [thread.status, groupUuid, last]);

  async function send(message) {
    const sent = await sendMessage(message, { message_group_uuid: groupUuid });
    thread.add(sent.message);
  }

  return (
    <section className="page" aria-labelledby="conversation-title">
      <h1 id="conversation-title">{other ? `Conversation with ${other.display_name}` : "Conversation"}</h1>
      <p>
        <Link to={routes.messages.link()} className="back-link">
          All conversations
        </Link>
      </p>
      <PagedList list={thread} loadingLabel="Loading messages…" empty="No messages yet." moreLabel="Load older messages">
        {(messages) => <MessageList messages={messages} ownHandle={session.user.handle} />}
      </PagedList>
      {thread.status === "ready" && (
        <div className="conversation-composer">
          <Composer label="Your message" max={MAX_MESSAGE_LENGTH} submitLabel="Send" doneLabel="Message sent." onSubmit={send} rows={2} enterSends />
        </div>
      )}
    </section>
  );
}
