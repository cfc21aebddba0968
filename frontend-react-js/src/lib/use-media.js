// Whether a CSS media query matches now, following it as the window changes.
import { useCallback, useSyncExternalStore } from "react";

/**
 * True while `query` matches. Read during render, so the first paint already has the layout the screen
 * gets (nothing moves once the page is up). Without matchMedia (jsdom) it never matches: the narrow layout.
 */
export function useMediaQuery(query) {
  const subscribe = useCallback(
    (changed) => {
      const list = window.matchMedia?.(query);
      list?.addEventListener("change", changed);
      return () => list?.removeEventListener("change", changed);
    },
    [query],
  );
  return useSyncExternalStore(subscribe, () => window.matchMedia?.(query).matches ?? false);
}
