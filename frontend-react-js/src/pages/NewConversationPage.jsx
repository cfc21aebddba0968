import { Link, useNavigate, useParams } from "react-router";
import { routes } from "../app/routes.js";
import { Composer } from "../components/Composer.jsx";
import { ErrorNotice, Loading } from "../components/PageState.jsx";
import { MAX_MESSAGE_LENGTH, sendMessage } from "../lib/messages.js";
import { useResource } from "../lib/use-paged.js";
import { shortProfile } from "../lib/users.js";

export default function NewConversationPage() {
  const { handle } = useParams();
  const navigate = useNavigate();
  const recipient = useResource(() => shortProfile(handle), [handle]);

  async function send(message) {
    const sent = await sendMessage(message, { handle });
    navigate(routes.conversation.link(sent.message_group_uuid));
  }

  return (
    <section className="page" aria-labelledby="new-conversation-title">
      <h1 id="new-conversation-title">New message</h1>
      <p>
        <Link to={routes.messages.link()} className="back-link">
          All conversations
        </Link>
      </p>
      {recipient.status === "loading" && <Loading />}
      <ErrorNotice error={recipient.error} onRetry={recipient.retry} />
      {recipient.status === "ready" && (
        <>
          <p>
            To <strong>{recipient.data.display_name}</strong> <span className="handle">@{recipient.data.handle}</span>
          </p>
          <Composer label="Your message" max={MAX_MESSAGE_LENGTH} submitLabel="Send" onSubmit={send} rows={3} enterSends />
        </>
      )}
    </section>
  );
}
