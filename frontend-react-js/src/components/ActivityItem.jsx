import { Link } from "react-router";
import { routes } from "../app/routes.js";
import { ago, fullDate, timeLeft } from "../lib/time.js";
import { Avatar } from "./Avatar.jsx";
import { CrudText } from "./CrudText.jsx";
import { Reactions, ShownBecause } from "./Reactions.jsx";

export function ActivityItem({ activity, reason, linkToActivity = true }) {
  const a = activity;
  return (
    <article className="activity" aria-labelledby={`activity-${a.uuid}`}>
      <header className="activity-head">
        <Link to={routes.user.link(a.handle)} className="activity-author" id={`activity-${a.uuid}`}>
          <Avatar person={a} />
          <strong>{a.display_name}</strong> <span className="handle">@{a.handle}</span>
        </Link>
        <time dateTime={a.created_at} title={fullDate(a.created_at)}>
          {ago(a.created_at)}
        </time>
      </header>
      <ShownBecause activity={a} reason={reason} />
      <p className="activity-message"><CrudText text={a.message} /></p>
      <footer className="activity-meta">
        <span>
          {a.replies_count} {a.replies_count === 1 ? "reply" : "replies"}
        </span>
        <Reactions activity={a} />
        {a.expires_at && (
          <span className="expires">
            <time dateTime={a.expires_at}>{timeLeft(a.expires_at)}</time>
          </span>
        )}
        {linkToActivity && (
          <Link to={routes.activity.link(a.handle, a.uuid)} className="activity-open">
            Open crud<span className="visually-hidden"> by @{a.handle}: {a.message.slice(0, 40)}</span>
          </Link>
        )}
      </footer>
    </article>
  );
}
