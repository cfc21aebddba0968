// Loading state for the API's paged lists ({items, next_cursor}): first page, "load more", errors.
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from "react";

/**
 * `load(cursor)` fetches one page. `deps` restart from the first page when they change.
 * `older: true` puts later pages before earlier ones (conversations page back in time).
 */
export function usePaged(load, deps, { older = false } = {}) {
  const [state, setState] = useState({ status: "loading", items: [], nextCursor: null, error: null, more: false });
  const [attempt, setAttempt] = useState(0);
  const generation = useRef(0);
  // Callers pass a new `load` closure every render, and `deps`, not the closure, decide when to start
  // again: the effect and loadMore call the latest one through a ref, set in a layout effect (which
  // runs before the effects that read it, never during render).
  const loadRef = useRef(load);
  useLayoutEffect(() => {
    loadRef.current = load;
  });

  useEffect(() => {
    const mine = ++generation.current;
    setState({ status: "loading", items: [], nextCursor: null, error: null, more: false });
    loadRef.current(null).then(
      (page) => mine === generation.current &&
        setState({ status: "ready", items: page.items, nextCursor: page.next_cursor, error: null, more: false }),
      (error) => mine === generation.current && setState((s) => ({ ...s, status: "error", error })),
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the caller's deps, checked at each call (eslint.config.js)
  }, [...deps, attempt]);

  /** Start again from the first page, after the first page failed. */
  const retry = useCallback(() => setAttempt((n) => n + 1), []);

  const loadMore = useCallback(async () => {
    const mine = generation.current;
    setState((s) => ({ ...s, more: true, error: null }));
    try {
      const page = await loadRef.current(state.nextCursor);
      if (mine !== generation.current) return;
      setState((s) => ({
        ...s,
        items: older ? [...page.items, ...s.items] : [...s.items, ...page.items],
        nextCursor: page.next_cursor,
        more: false,
      }));
    } catch (error) {
      if (mine === generation.current) setState((s) => ({ ...s, more: false, error }));
    }
  }, [state.nextCursor, older]);

  /**
   * Fetch the first page again and fold it into what is shown, in place (no loading state): its items
   * replace the ones they overlap, the pages loaded further stay, and so does the cursor after them.
   * A first page that overlaps nothing shown (an empty list, or more happened than a page holds) replaces
   * the list.
   * Rejects when the fetch fails, leaving the list as it was.
   */
  const refresh = useCallback(async () => {
    const mine = generation.current;
    const page = await loadRef.current(null);
    if (mine !== generation.current) return;
    setState((s) => {
      const fresh = new Set(page.items.map((item) => item.uuid));
      const kept = s.items.filter((item) => !fresh.has(item.uuid));
      if (kept.length === s.items.length) {
        return { ...s, items: page.items, nextCursor: page.next_cursor };
      }
      // In time order rather than page after page: an item added here while the page was on its way
      // (a message just sent) may be newer than what the page holds.
      const inOrder = (a, b) => (older ? 1 : -1) * (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : 0);
      return { ...s, items: [...page.items, ...kept].sort(inOrder) };
    });
  }, [older]);

  /** Put an item the user just created where it belongs without refetching. */
  const add = useCallback(
    (item) =>
      setState((s) =>
        // a refresh that answered first may have brought it already
        s.items.some((shown) => shown.uuid === item.uuid) ? s : { ...s, items: older ? [...s.items, item] : [item, ...s.items] },
      ),
    [older],
  );

  /** Change the items already shown (a rename the API just confirmed) without refetching. */
  const update = useCallback((change) => setState((s) => ({ ...s, items: s.items.map(change) })), []);

  return { ...state, older, loadMore, refresh, add, update, retry };
}

/** One request's state, for pages that show a single object. */
export function useResource(load, deps) {
  const [state, setState] = useState({ status: "loading", data: null, error: null });
  const [attempt, setAttempt] = useState(0);
  const loadRef = useRef(load); // the latest `load`, as in usePaged
  useLayoutEffect(() => {
    loadRef.current = load;
  });
  useEffect(() => {
    let live = true;
    // eslint-disable-next-line react-hooks/set-state-in-effect -- new inputs: drop the old object at once, not when the new one arrives
    setState({ status: "loading", data: null, error: null });
    loadRef.current().then(
      (data) => live && setState({ status: "ready", data, error: null }),
      (error) => live && setState({ status: "error", data: null, error }),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the caller's deps, checked at each call (eslint.config.js)
  }, [...deps, attempt]);
  const set = useCallback((data) => setState({ status: "ready", data, error: null }), []);
  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  return { ...state, set, retry };
}

