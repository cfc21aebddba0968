import { ago, fullDate } from "../lib/time.js";
import { Avatar } from "./Avatar.jsx";

/** One conversation's messages, oldest at the top, as chat apps show them. */
export function MessageList({ messages, ownHandle }) {
  return (
    <ol className="messages" aria-label="Messages">
      {messages.map((m) => (
        <li key={m.uuid} className={m.handle === ownHandle ? "message message-own" : "message"}>
          <p className="message-head">
            <Avatar person={m} />
            <strong>{m.display_name}</strong> <span className="handle">@{m.handle}</span>{" "}
            <time dateTime={m.created_at} title={fullDate(m.created_at)}>
              {ago(m.created_at)}
            </time>
          </p>
          <p className="message-text">{m.message}</p>
        </li>
      ))}
    </ol>
  );
}
