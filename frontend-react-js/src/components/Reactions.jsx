// The like and repost buttons of a crud card, and the line saying why a crud is in a list ("reposted by
// @x", "@x liked your crud"). A press shows at once (optimistic) and is taken back, with the API's message,
// if the API refuses it; a visitor is led to Sign in, and comes back to the same page.
import { useState } from "react";
import { Link, useLocation } from "react-router";
import { routes } from "../app/routes.js";
import { likeActivity, repostActivity, unlikeActivity, unrepostActivity } from "../lib/activities.js";
import { useSession } from "../lib/session.jsx";

const KINDS = {
  like: { state: "liked", count: "likes_count", one: "like", many: "likes", label: "Like", on: likeActivity, off: unlikeActivity },
  repost: { state: "reposted", count: "reposts_count", one: "repost", many: "reposts", label: "Repost", on: repostActivity, off: unrepostActivity },
};

const REASONS = {
  reply: () => "replied to you",
  mention: () => "mentioned you",
  like: (actor) => `@${actor.handle} liked your crud`,
  repost: (actor) => `@${actor.handle} reposted your crud`,
};

/** Why the crud is in this list: the notification's reason, or the reposter in the home feed. */
export function ShownBecause({ activity, reason }) {
  if (reason) return <p className="reason">{(REASONS[reason] ?? REASONS.mention)(activity.actor ?? {})}</p>;
  if (!activity.reposted_by) return null;
  return (
    <p className="reason reposted-by">
      Reposted by <Link to={routes.user.link(activity.reposted_by.handle)}>@{activity.reposted_by.handle}</Link>
    </p>
  );
}

export function Reactions({ activity }) {
  const session = useSession();
  const location = useLocation();
  // What the API last said, or the press it has not answered yet; the card's own props until then.
  const [shown, setShown] = useState(null);
  const [busy, setBusy] = useState(null);
  const [error, setError] = useState(null);
  const current = shown ?? activity;

  async function press(kind) {
    const k = KINDS[kind];
    const before = { liked: current.liked, reposted: current.reposted, likes_count: current.likes_count, reposts_count: current.reposts_count };
    const doing = !before[k.state];
    setError(null);
    setBusy(kind);
    setShown({ ...before, [k.state]: doing, [k.count]: before[k.count] + (doing ? 1 : -1) });
    try {
      const answer = await (doing ? k.on : k.off)(activity.uuid);
      setShown((s) => ({ ...s, ...answer }));
    } catch (err) {
      setShown(before);
      setError(`Could not ${doing ? k.one : `take back the ${k.one}`}: ${err.message}`);
    } finally {
      setBusy(null);
    }
  }

  const count = (k) => `${current[k.count]} ${current[k.count] === 1 ? k.one : k.many}`;
  const about = `crud by @${activity.handle}`;
  if (session.status !== "signedIn") {
    const signIn = routes.signIn.link({ next: location.pathname + location.search });
    return Object.entries(KINDS).map(([kind, k]) => (
      <Link key={kind} className="reaction" to={signIn} title={`Sign in to ${k.one}`}>
        {count(k)}
        <span className="visually-hidden">: sign in to {k.one} this {about}</span>
      </Link>
    ));
  }
  return (
    <>
      {Object.entries(KINDS).map(([kind, k]) => (
        <button
          key={kind}
          type="button"
          className="reaction button-secondary"
          aria-pressed={Boolean(current[k.state])}
          aria-busy={busy === kind}
          disabled={busy === kind}
          onClick={() => press(kind)}
        >
          {k.label} <span className="visually-hidden">{about}</span> · {count(k)}
        </button>
      ))}
      {error && (
        <span className="reaction-error" role="alert">
          {error}
        </span>
      )}
    </>
  );
}
