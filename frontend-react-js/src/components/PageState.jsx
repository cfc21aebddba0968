// The loading, empty and error states every page shows in the same way.
import { useEffect, useState } from "react";
import { Link, useLocation } from "react-router";
import { routes } from "../app/routes.js";

export function Loading({ label = "Loading…" }) {
  return (
    <p className="state state-loading" role="status">
      {label}
    </p>
  );
}

export function Empty({ children }) {
  return <p className="state state-empty">{children}</p>;
}

const seconds = (n) => `${n} second${n === 1 ? "" : "s"}`;

/** What to tell the person about an error, and whether trying again can help (ApiError.kind). */
function explain(error) {
  if (typeof error === "string") return { text: error };
  switch (error.kind) {
    case "unreachable":
      return {
        text: "Cruddur cannot be reached right now. Check your connection; if it works, Cruddur itself is down for the moment.",
        retry: true,
      };
    case "server":
      return { text: `Cruddur hit a problem on its side (HTTP ${error.status}): ${error.message}`, retry: true };
    case "rateLimited":
      return {
        // The API's write budgets say which budget and how much it holds; other 429s get the general words.
        text: error.code === "rate_limited" ? error.message : `Cruddur is getting more requests from you than it takes at once. ${
          error.retryAfter ? `Wait ${seconds(error.retryAfter)}, then try again.` : "Wait a moment, then try again."
        }`,
        retry: true,
        wait: error.retryAfter ?? 0,
      };
    case "signedOut":
      return { text: error.message, signIn: true };
    default:
      return { text: error.message };
  }
}

/** Seconds left of `from`, counting down once a second, and starting over when `cause` changes. */
function useCountdown(from, cause) {
  const [count, setCount] = useState({ cause, left: from });
  // A new error brings its own wait: reset during render, as React advises for state that follows a prop.
  if (count.cause !== cause) setCount({ cause, left: from });
  const counting = count.left > 0;
  useEffect(() => {
    if (!counting) return undefined;
    const tick = setInterval(() => setCount((c) => ({ ...c, left: Math.max(0, c.left - 1) })), 1000);
    return () => clearInterval(tick);
  }, [counting, cause]);
  return count.cause === cause ? count.left : from;
}

/**
 * An error as the person should hear it: the API unreachable, a server fault, too many requests (with
 * the wait the API asked for), a session that ended (with the way back in), or the API's own words for
 * what it refused. "Try again" only where trying again can help, and only when `onRetry` is given.
 */
/** `polite`: for a part beside the page (Trending), whose failure is told without interrupting, so that a
 * page has one alert however many of its parts the same outage breaks. */
export function ErrorNotice({ error, onRetry, polite = false }) {
  if (!error) return null;
  return <Problem error={error} onRetry={onRetry} polite={polite} />;
}

function Problem({ error, onRetry, polite }) {
  const { text, retry, wait = 0, signIn } = explain(error);
  const left = useCountdown(wait, error);
  const { pathname, search } = useLocation();
  return (
    <div className="state state-error" role={polite ? "status" : "alert"}>
      <p>{text}</p>
      {retry && onRetry && (
        <button type="button" className="button-secondary" onClick={onRetry} disabled={left > 0}>
          {left > 0 ? `Try again in ${seconds(left)}` : "Try again"}
        </button>
      )}
      {signIn && (
        <Link className="button-link" to={routes.signIn.link({ next: pathname + search })}>
          Sign in again
        </Link>
      )}
    </div>
  );
}
