// Live updates: the polling schedule (visible tabs only, one call at a time, back-off on errors) on a fake
// clock and a scripted document, then the pages that use it with the real providers: the "new cruds" bar,
// the navigation's unread counts and the seen marks that clear them.
import { act, renderHook, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../src/lib/api-client.js";
import { countLabel, MAX_BACKOFF_MS, POLL_INTERVAL_MS, startPolling } from "../src/lib/live.js";
import { usePaged } from "../src/lib/use-paged.js";
import { deferred, fakeNetwork, json, seedSession, startApp } from "./fakes.js";
import { renderApp } from "./render.jsx";

/** A document whose visibility the test sets, with the real event plumbing. */
function scriptedDocument(state = "visible") {
  const doc = new EventTarget();
  doc.visibilityState = state;
  doc.show = (next) => {
    doc.visibilityState = next;
    doc.dispatchEvent(new Event("visibilitychange"));
  };
  return doc;
}

describe("startPolling", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("asks once an interval while the tab is visible, never while hidden, and at once when it comes back", async () => {
    const doc = scriptedDocument();
    const check = vi.fn(async () => {});
    const poller = startPolling(check, { doc, interval: 1000 });

    await vi.advanceTimersByTimeAsync(999);
    expect(check).toHaveBeenCalledTimes(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(check).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(2000);
    expect(check).toHaveBeenCalledTimes(3);

    doc.show("hidden");
    await vi.advanceTimersByTimeAsync(60_000);
    expect(check).toHaveBeenCalledTimes(3);

    doc.show("visible");
    await vi.advanceTimersByTimeAsync(0);
    expect(check).toHaveBeenCalledTimes(4);
    await vi.advanceTimersByTimeAsync(1000);
    expect(check).toHaveBeenCalledTimes(5);

    poller.stop();
    doc.show("hidden");
    doc.show("visible");
    await vi.advanceTimersByTimeAsync(10_000);
    expect(check).toHaveBeenCalledTimes(5);
  });

  it("starts nothing in a tab that opens hidden until it is shown", async () => {
    const doc = scriptedDocument("hidden");
    const check = vi.fn(async () => {});
    startPolling(check, { doc, interval: 1000 });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(check).not.toHaveBeenCalled();
    doc.show("visible");
    await vi.advanceTimersByTimeAsync(0);
    expect(check).toHaveBeenCalledTimes(1);
  });

  it("keeps one call at a time: the next interval starts when the slow answer arrives", async () => {
    const doc = scriptedDocument();
    const answer = deferred();
    const check = vi.fn(() => answer.promise);
    startPolling(check, { doc, interval: 1000 });

    await vi.advanceTimersByTimeAsync(1000);
    await vi.advanceTimersByTimeAsync(5000);
    doc.show("hidden");
    doc.show("visible"); // coming back mid-call does not start a second one
    expect(check).toHaveBeenCalledTimes(1);

    answer.resolve();
    await vi.advanceTimersByTimeAsync(999);
    expect(check).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(check).toHaveBeenCalledTimes(2);
  });

  it("doubles the wait after each failure up to the ceiling, honours Retry-After, and recovers on success", async () => {
    const doc = scriptedDocument();
    let failing = true;
    const times = [];
    const check = vi.fn(async () => {
      times.push(Date.now());
      if (failing) throw new ApiError(0, "network_error", "unreachable");
    });
    const start = Date.now();
    startPolling(check, { doc, interval: 1000, maxInterval: 8000 });

    await vi.advanceTimersByTimeAsync(1000 + 2000 + 4000 + 8000 + 8000);
    expect(times.map((t) => t - start)).toEqual([1000, 3000, 7000, 15000, 23000]);

    failing = false;
    await vi.advanceTimersByTimeAsync(8000); // the wait already set, then back to the interval
    await vi.advanceTimersByTimeAsync(1000);
    expect(times.map((t) => t - start).slice(5)).toEqual([31000, 32000]);
  });

  it("waits at least what a 429's Retry-After says", async () => {
    const doc = scriptedDocument();
    const check = vi.fn(async () => {
      throw new ApiError(429, "too_many", "slow down", { retryAfter: 30 });
    });
    startPolling(check, { doc, interval: 1000 });
    await vi.advanceTimersByTimeAsync(1000);
    await vi.advanceTimersByTimeAsync(29_999);
    expect(check).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(check).toHaveBeenCalledTimes(2);
  });

  it("polls within the promise of 10 seconds and never backs off past a minute", () => {
    expect(POLL_INTERVAL_MS).toBeLessThanOrEqual(9000);
    expect(MAX_BACKOFF_MS).toBe(60_000);
    expect([countLabel(1), countLabel(49), countLabel(50)]).toEqual(["1", "49", "50+"]);
  });
});

const ME = { uuid: "u-alice", handle: "alice", display_name: "Alice Doe", bio: "", cruds_count: 0, created_at: "2026-11-01T00:00:00Z" };
const HOUR = 3600 * 1000;
const crud = (uuid, message) => ({
  uuid, handle: "bob", display_name: "Bob Roe", message, replies_count: 0, reposts_count: 0, likes_count: 0,
  reply_to_activity_uuid: null, created_at: new Date(Date.now() - HOUR).toISOString(), expires_at: new Date(Date.now() + HOUR).toISOString(),
});
const page = (items) => ({ items, next_cursor: null });

describe("live pages", () => {
  beforeEach(async () => {
    await startApp();
    vi.useFakeTimers({ shouldAdvanceTime: true });
  });
  afterEach(() => vi.useRealTimers());

  const tick = () => act(() => vi.advanceTimersByTimeAsync(POLL_INTERVAL_MS));

  it("offers the cruds posted since the feed loaded as a bar, and shows them above when clicked", async () => {
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
    let feed = [crud("a-1", "already here")];
    let above = 0;
    const net = fakeNetwork({
      api: {
        "GET /api/activities/home": () => page(feed),
        "GET /api/activities/home/new": () => ({ count: above }),
      },
    });
    renderApp("/");
    await screen.findByText("already here");

    await tick();
    expect(screen.queryByRole("button", { name: /new crud/ })).toBeNull();
    expect(net.calls.api.filter((c) => c.key === "GET /api/activities/home/new").at(-1).query).toEqual({ after: "a-1" });

    feed = [crud("a-3", "newest"), crud("a-2", "newer"), ...feed];
    above = 2;
    await tick();
    const bar = await screen.findByRole("button", { name: "2 new cruds" });
    expect(screen.queryByText("newest")).toBeNull(); // nothing moved under the reader

    await user.click(bar);
    const list = within(screen.getByRole("region", { name: "Home feed" }));
    await list.findByText("newest");
    expect(list.getAllByRole("listitem").map((li) => li.textContent.includes("newest") || li.textContent.includes("newer") || "old"))
      .toEqual([true, true, "old"]);
    expect(screen.queryByRole("button", { name: /new crud/ })).toBeNull();
  });

  it("keeps the feed as it is when a poll fails, and says nothing about it", async () => {
    fakeNetwork({
      api: {
        "GET /api/activities/home": () => page([crud("a-1", "already here")]),
        "GET /api/activities/home/new": () => json(503, { error: { code: "database_unavailable", message: "down" } }),
      },
    });
    renderApp("/");
    await screen.findByText("already here");
    await tick();
    await tick();
    expect(screen.queryByRole("alert")).toBeNull();
    expect(screen.getByText("already here")).toBeTruthy();
  });

  it("counts unread notifications and messages in the navigation and clears them when they are opened", async () => {
    seedSession();
    let counts = { notifications: 3, messages: 50 };
    fakeNetwork({
      api: {
        "GET /api/me": () => ME,
        "GET /api/activities/home": () => page([]),
        "GET /api/activities/home/new": () => ({ count: 0 }),
        "GET /api/me/unread": () => counts,
        "GET /api/activities/notifications": () => page([{ ...crud("a-9", "@alice look"), reason: "mention" }]),
        "POST /api/activities/notifications/seen": () => {
          counts = { ...counts, notifications: 0 };
          return counts;
        },
      },
    });
    const router = renderApp("/");
    expect(await screen.findByRole("link", { name: "Notifications, 3 unread" })).toBeTruthy();
    expect(screen.getByRole("link", { name: "Messages, 50+ unread" })).toBeTruthy();

    await act(() => router.navigate("/notifications"));
    // CrudText draws the mention as a link, so the message is found whole, not as one text node
    await screen.findByText((_, el) => el?.classList.contains("activity-message") && el.textContent === "@alice look");
    expect(await screen.findByRole("link", { name: "Notifications" })).toBeTruthy();
    expect(screen.getByRole("link", { name: "Messages, 50+ unread" })).toBeTruthy();

    counts = { notifications: 1, messages: 0 };
    await tick();
    expect(await screen.findByRole("link", { name: "Notifications, 1 unread" })).toBeTruthy();
    expect(screen.getByRole("link", { name: "Messages" })).toBeTruthy();
  });

  it("shows a message that arrives in the open conversation, after the older ones loaded, and marks it read", async () => {
    seedSession();
    const minute = { "m-1": 1, "m-2": 2, "m-3": 3, "m-4": 4 };
    const msg = (uuid, message, handle = "bob") => ({ uuid, handle, display_name: handle, message, created_at: `2026-11-01T12:0${minute[uuid]}:00.000Z` });
    let newest = [msg("m-2", "hi alice"), msg("m-3", "hi bob", "alice")];
    const net = fakeNetwork({
      api: {
        "GET /api/me": () => ME,
        "GET /api/me/unread": () => ({ notifications: 0, messages: 1 }),
        "GET /api/messages/g-1": (call) => (call.query.cursor ? page([msg("m-1", "the very first")]) : { items: newest, next_cursor: "older" }),
        "POST /api/message_groups/g-1/seen": () => ({ notifications: 0, messages: 0 }),
      },
    });
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
    renderApp("/messages/g-1");
    await screen.findByText("hi bob");
    await user.click(screen.getByRole("button", { name: "Load older messages" }));
    await screen.findByText("the very first");
    expect(net.calls.api.filter((c) => c.key === "POST /api/message_groups/g-1/seen")).toHaveLength(1);
    expect(await screen.findByRole("link", { name: "Messages" })).toBeTruthy();

    newest = [...newest.slice(1), msg("m-4", "are you there?")];
    await tick();
    await screen.findByText("are you there?");
    const texts = within(screen.getByRole("list", { name: "Messages" })).getAllByRole("listitem").map((li) => li.querySelector(".message-text").textContent);
    expect(texts).toEqual(["the very first", "hi alice", "hi bob", "are you there?"]);
    expect(net.calls.api.filter((c) => c.key === "POST /api/message_groups/g-1/seen")).toHaveLength(2);
  });
});

describe("usePaged refresh", () => {
  const item = (uuid, minute) => ({ uuid, created_at: `2026-11-01T12:${String(minute).padStart(2, "0")}:00.000Z` });

  it("folds the first page into the list in time order and an item added twice shows once", async () => {
    let first = { items: [item("b", 2), item("a", 1)], next_cursor: "after-a" };
    const { result } = renderHook(() => usePaged(() => Promise.resolve(first), [], { older: false }));
    await waitFor(() => expect(result.current.status).toBe("ready"));

    first = { items: [item("d", 4), item("c", 3), item("b", 2)], next_cursor: "after-b" };
    await act(() => result.current.refresh());
    expect(result.current.items.map((i) => i.uuid)).toEqual(["d", "c", "b", "a"]);
    expect(result.current.nextCursor).toBe("after-a"); // still after the last item shown

    act(() => result.current.add(item("d", 4)));
    expect(result.current.items.map((i) => i.uuid)).toEqual(["d", "c", "b", "a"]);

    first = { items: [item("z", 59)], next_cursor: "after-z" }; // more than a page happened: start over
    await act(() => result.current.refresh());
    expect(result.current.items.map((i) => i.uuid)).toEqual(["z"]);
    expect(result.current.nextCursor).toBe("after-z");
  });
});
