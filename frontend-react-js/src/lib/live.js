// Live updates by polling (why polling, with the figures: docs/frontend.md "Live updates"). Each page asks
// the API a cheap question every few seconds, only while its tab is visible; a hidden tab costs the API
// nothing, and a tab coming back asks at once. Errors back off (doubling, up to a minute, or longer when
// the API says Retry-After) and leave what the page shows as it was: polling never puts up an error.
import { useEffect, useLayoutEffect, useRef, useState } from "react";
import { unreadCounts } from "./users.js";

// New things appear within 10 s: one interval plus the answer's time.
export const POLL_INTERVAL_MS = 8000;
export const MAX_BACKOFF_MS = 60000;
// The API counts new cruds and unread notifications up to this, then says "50 or more".
export const COUNT_CEILING = 50;

/** "3", or "50+" once the API's count reached its ceiling. */
export const countLabel = (n) => (n >= COUNT_CEILING ? `${COUNT_CEILING}+` : String(n));

/**
 * Call `check()` every `interval` ms while `doc` is visible, one call at a time. Returns
 * `{ now, stop }`: `now()` checks at once (unless a check is running) and starts the interval again.
 * `timers` (setTimeout/clearTimeout) and `doc` are injectable for tests.
 */
export function startPolling(check, { interval = POLL_INTERVAL_MS, maxInterval = MAX_BACKOFF_MS, doc = document, timers = globalThis } = {}) {
  let timer = null;
  let running = false;
  let stopped = false;
  let delay = interval;

  const visible = () => doc.visibilityState !== "hidden";
  function clear() {
    if (timer !== null) timers.clearTimeout(timer);
    timer = null;
  }
  function schedule() {
    clear();
    if (!stopped && visible()) timer = timers.setTimeout(tick, delay);
  }
  async function tick() {
    timer = null;
    running = true;
    try {
      await check();
      delay = interval;
    } catch (error) {
      delay = Math.max(Math.min(delay * 2, maxInterval), (error?.retryAfter ?? 0) * 1000);
    } finally {
      running = false;
    }
    schedule();
  }
  function now() {
    if (stopped || running) return;
    clear();
    tick();
  }
  function onVisibility() {
    // Back in view: what happened meanwhile is shown at once; out of view: nothing until it returns.
    if (visible()) now();
    else clear();
  }

  doc.addEventListener("visibilitychange", onVisibility);
  schedule();
  return {
    now,
    stop() {
      stopped = true;
      clear();
      doc.removeEventListener("visibilitychange", onVisibility);
    },
  };
}

/**
 * Poll `check` while `enabled` (the page has its data, the person is signed in...); `deps` start the
 * interval again. `immediate` checks once at start, for what has nothing to show until it asks.
 */
export function usePolling(check, { enabled = true, immediate = false, interval } = {}, deps = []) {
  const checkRef = useRef(check); // the latest closure, as in usePaged
  useLayoutEffect(() => {
    checkRef.current = check;
  });
  useEffect(() => {
    if (!enabled) return undefined;
    const poller = startPolling(() => checkRef.current(), interval ? { interval } : {});
    if (immediate) poller.now();
    return poller.stop;
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the caller's deps, checked at each call (eslint.config.js)
  }, [enabled, immediate, interval, ...deps]);
}

// The navigation's counts are one per tab; a page that marks something seen hands the API's new counts here
// (the seen calls answer them), so the navigation is right at once, not at its next poll.
const unreadListeners = new Set();

export function publishUnread(counts) {
  for (const listener of unreadListeners) listener(counts);
}

/** The caller's unread counts `{notifications, messages}` while signed in, else null; null until known. */
export function useUnread(signedIn) {
  const [counts, setCounts] = useState(null);
  useEffect(() => {
    if (!signedIn) return undefined;
    unreadListeners.add(setCounts);
    return () => {
      unreadListeners.delete(setCounts);
      setCounts(null);
    };
  }, [signedIn]);
  usePolling(async () => setCounts(await unreadCounts()), { enabled: signedIn, immediate: true });
  return signedIn ? counts : null;
}
