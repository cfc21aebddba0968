import { useState } from "react";
import { Link } from "react-router";
import { routes } from "../app/routes.js";
import { ActivityFeed } from "../components/ActivityFeed.jsx";
import { Composer } from "../components/Composer.jsx";
import { NewCrudsBar } from "../components/NewCrudsBar.jsx";
import { ErrorNotice, Loading } from "../components/PageState.jsx";
import { createActivity, DEFAULT_TTL, homeFeed, MAX_CRUD_LENGTH, newCruds, TTLS } from "../lib/activities.js";
import { usePolling } from "../lib/live.js";
import { useSession } from "../lib/session.jsx";
import { usePaged } from "../lib/use-paged.js";

export default function HomePage() {
  const session = useSession();
  const feed = usePaged((cursor) => homeFeed({ cursor }), []);
  const top = feed.items[0]?.uuid;
  // The count belongs to the crud it was counted above: a new top (shown, or posted here) starts at 0.
  const [fresh, setFresh] = useState({ above: null, count: 0 });
  const [showing, setShowing] = useState({ busy: false, error: null });
  usePolling(async () => {
    const { count } = await newCruds(top);
    setFresh({ above: top, count });
  }, { enabled: feed.status === "ready" }, [top]);
  const count = fresh.above === top ? fresh.count : 0;

  async function showNew() {
    setShowing({ busy: true, error: null });
    try {
      await feed.refresh();
      setShowing({ busy: false, error: null });
    } catch (error) {
      setShowing({ busy: false, error });
    }
  }

  async function post(message, form) {
    feed.add(await createActivity({ message, ttl: form.get("ttl") }));
  }

  // Until the session is known, whether the intro or the composer goes above the feed is not, so the feed (its
  // loading state too) waits below the heading rather than being drawn and then pushed down (a layout shift).
  // It is asked for at once all the same; the page's one loading state stands in, and is replaced, not moved.
  if (session.status === "loading") {
    return (
      <section className="page" aria-labelledby="home-title">
        <h1 id="home-title">Home</h1>
        <Loading />
      </section>
    );
  }

  return (
    <section className="page" aria-labelledby="home-title">
      <h1 id="home-title">Home</h1>
      {session.status === "signedOut" && (
        <section className="intro card" aria-labelledby="intro-title">
          <h2 id="intro-title">Cruddur: say it, and let it go</h2>
          <p>
            Cruddur is micro-blogging where nothing lasts forever. Every post, a <em>crud</em>, has a time to live you
            choose, from an hour to 30 days, then it is gone. Reply to cruds, find them by word, and message people
            directly.
          </p>
          <p className="form-actions">
            <Link className="button-link" to={routes.signUp.link()}>
              Create an account
            </Link>
            <Link to={routes.signIn.link()}>Sign in with your account</Link>
          </p>
          <p className="muted">Below: what people are saying right now.</p>
        </section>
      )}
      {session.status === "signedIn" && (
        <Composer label="What's happening?" max={MAX_CRUD_LENGTH} submitLabel="Crud" busyLabel="Posting…" doneLabel="Your crud is posted." onSubmit={post}>
          <label className="inline-label">
            Time to live{" "}
            <select name="ttl" defaultValue={DEFAULT_TTL}>
              {TTLS.map((t) => (
                <option key={t.value} value={t.value}>
                  {t.label}
                </option>
              ))}
            </select>
          </label>
        </Composer>
      )}
      {feed.status === "ready" && <NewCrudsBar count={count} onShow={showNew} busy={showing.busy} />}
      <ErrorNotice error={showing.error} />
      <ActivityFeed feed={feed} label="Home feed" empty="No cruds yet. Be the first to say something." />
    </section>
  );
}
