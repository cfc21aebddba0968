// What a signed-in person sees when the API lets them down: unreachable, a 5xx, a 429 with Retry-After,
// a session that ended. Each is said once, in words that fit it, with "Try again" where trying again
// helps, and the person is still shown as who they are. The real app (session provider, API client,
// Amplify) runs; only the network answers are scripted.
import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { retryAfterSeconds } from "../src/lib/api-client.js";
import { cognitoError, deferred, fakeNetwork, json, seedSession, startApp } from "./fakes.js";
import { renderApp } from "./render.jsx";

const ALICE = { uuid: "u-alice", handle: "alice", display_name: "Alice Doe", bio: "", cruds_count: 0, created_at: "2026-11-01T00:00:00Z" };
const page = (items) => ({ items, next_cursor: null });
const group = { uuid: "g-1", handle: "bob", display_name: "Bob Roe", message: "see you", created_at: "2026-11-29T10:00:00Z" };
const UNREACHABLE = "Cruddur cannot be reached right now. Check your connection; if it works, Cruddur itself is down for the moment.";

beforeEach(() => startApp());
afterEach(() => vi.useRealTimers());

/** The API answers with `answer(call)` while `down` says so, and normally otherwise. */
function flakyApi(routes) {
  const api = { down: null };
  const net = fakeNetwork({
    api: Object.fromEntries(
      Object.entries(routes).map(([key, handler]) => [key, (call) => (api.down ? api.down(call) : handler(call))]),
    ),
  });
  const realFetch = net.fetch.getMockImplementation();
  net.fetch.mockImplementation(async (input, init) => {
    if (api.down === "unreachable" && String(input).startsWith("http://api.test")) throw new TypeError("Failed to fetch");
    return realFetch(input, init);
  });
  return { api, net };
}

function whoami() {
  return screen.getByText((_, el) => el?.classList?.contains("whoami")).textContent;
}

describe("the API cannot be reached", () => {
  it("keeps the person signed in as the ID token names them, says so once, and recovers with Try again", async () => {
    const user = userEvent.setup();
    seedSession();
    const { api } = flakyApi({ "GET /api/me": () => ({ ...ALICE, display_name: "Alice (from the API)" }), "GET /api/activities/home": () => page([]) });
    api.down = "unreachable";
    renderApp("/");

    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toBe(`${UNREACHABLE}Try again`);
    expect(screen.getAllByRole("alert")).toHaveLength(1);
    expect(whoami()).toBe("Alice Doe @alice");
    expect(screen.getByRole("link", { name: "Profile" }).getAttribute("href")).toBe("/@alice");
    expect(screen.getByRole("textbox", { name: "What's happening?" })).toBeTruthy();
    expect(screen.queryByRole("link", { name: "Sign in" })).toBeNull();

    api.down = null;
    await user.click(within(alert).getByRole("button", { name: "Try again" }));
    expect(await screen.findByText("No cruds yet. Be the first to say something.")).toBeTruthy();
    expect(screen.queryByRole("alert")).toBeNull();
    // The next answer brings the API's own profile back in place of the token's.
    await waitFor(() => expect(whoami()).toBe("Alice (from the API) @alice"));
  });

  it("leaves a signed-in person on Messages instead of sending them to Sign in", async () => {
    const user = userEvent.setup();
    seedSession();
    const { api } = flakyApi({ "GET /api/me": () => ALICE, "GET /api/message_groups": () => page([group]) });
    api.down = "unreachable";
    const router = renderApp("/messages");

    expect((await screen.findByRole("alert")).textContent).toBe(`${UNREACHABLE}Try again`);
    expect(router.state.location.pathname).toBe("/messages");
    expect(screen.getByRole("heading", { name: "Messages" })).toBeTruthy();

    api.down = null;
    await user.click(screen.getByRole("button", { name: "Try again" }));
    expect(await screen.findByText("see you")).toBeTruthy();
  });

  it("keeps what was written when a crud cannot be sent, and sends it with Try again", async () => {
    const user = userEvent.setup();
    seedSession();
    const posted = [];
    const { api } = flakyApi({
      "GET /api/me": () => ALICE,
      "GET /api/activities/home": () => page([]),
      "POST /api/activities": (call) => {
        posted.push(call.body.message);
        return json(201, { uuid: "a-9", handle: "alice", display_name: "Alice Doe", message: call.body.message, replies_count: 0, reposts_count: 0, likes_count: 0, created_at: new Date().toISOString(), expires_at: new Date(Date.now() + 3600e3).toISOString() });
      },
    });
    renderApp("/");
    const box = await screen.findByRole("textbox", { name: "What's happening?" });
    await screen.findByText("No cruds yet. Be the first to say something.");
    await user.type(box, "written offline");
    api.down = "unreachable";
    await user.click(screen.getByRole("button", { name: "Crud" }));
    expect((await screen.findByRole("alert")).textContent).toBe(`${UNREACHABLE}Try again`);
    expect(box.value).toBe("written offline");

    api.down = null;
    await user.click(screen.getByRole("button", { name: "Try again" }));
    expect(await screen.findByText("written offline", { selector: ".activity-message" })).toBeTruthy();
    expect(posted).toEqual(["written offline"]);
  });

  it("says which write budget a refused crud hit, in the API's words, and keeps what was written", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
    seedSession();
    const budget = "Too many cruds: 20 per 10 minutes. Try again in 30 seconds.";
    fakeNetwork({
      api: {
        "GET /api/me": () => ALICE,
        "GET /api/activities/home": () => page([]),
        "POST /api/activities": () => json(429, { error: { code: "rate_limited", message: budget } }, { "Retry-After": "30" }),
      },
    });
    renderApp("/");
    const box = await screen.findByRole("textbox", { name: "What's happening?" });
    await user.type(box, "one too many");
    await user.click(screen.getByRole("button", { name: "Crud" }));
    const alert = await screen.findByRole("alert");
    expect(within(alert).getByText(budget)).toBeTruthy();
    expect(within(alert).getByRole("button", { name: "Try again in 30 seconds" }).disabled).toBe(true);
    expect(box.value).toBe("one too many");
  });
});

describe("before the API has answered", () => {
  it("shows a signed-in person's Home, composer included, while /api/me is still on its way", async () => {
    seedSession();
    const profile = deferred();
    fakeNetwork({ api: { "GET /api/me": () => profile.promise, "GET /api/activities/home": () => page([]) } });
    renderApp("/");
    expect(await screen.findByRole("textbox", { name: "What's happening?" })).toBeTruthy();
    expect(whoami()).toBe("Alice Doe @alice");
    profile.resolve(json(200, { ...ALICE, display_name: "Alice from the API" }));
    await waitFor(() => expect(whoami()).toBe("Alice from the API @alice"));
  });
});

describe("the API answers with an error", () => {
  it("names a server fault with its status and the API's words, and retries", async () => {
    const user = userEvent.setup();
    seedSession();
    const { api } = flakyApi({ "GET /api/me": () => ALICE, "GET /api/activities/home": () => page([]) });
    api.down = () => json(503, { error: { code: "unavailable", message: "The database is restarting." } });
    renderApp("/");
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toBe("Cruddur hit a problem on its side (HTTP 503): The database is restarting.Try again");
    expect(whoami()).toBe("Alice Doe @alice");
    api.down = null;
    await user.click(within(alert).getByRole("button", { name: "Try again" }));
    expect(await screen.findByText("No cruds yet. Be the first to say something.")).toBeTruthy();
  });

  it("asks to wait as long as Retry-After says before trying again after a 429", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
    seedSession();
    const { api } = flakyApi({ "GET /api/me": () => ALICE, "GET /api/activities/home": () => page([]) });
    api.down = () => json(429, { error: { code: "too_many_requests", message: "Slow down." } }, { "Retry-After": "30" });
    renderApp("/");
    const alert = await screen.findByRole("alert");
    expect(within(alert).getByText(/^Cruddur is getting more requests/).textContent).toBe(
      "Cruddur is getting more requests from you than it takes at once. Wait 30 seconds, then try again.",
    );
    expect(whoami()).toBe("Alice Doe @alice");
    const retry = within(alert).getByRole("button", { name: "Try again in 30 seconds" });
    expect(retry.disabled).toBe(true);
    await act(() => vi.advanceTimersByTimeAsync(29_000));
    expect(within(alert).getByRole("button", { name: "Try again in 1 second" }).disabled).toBe(true);
    await act(() => vi.advanceTimersByTimeAsync(1_000));
    api.down = null;
    await user.click(within(alert).getByRole("button", { name: "Try again" }));
    expect(await screen.findByText("No cruds yet. Be the first to say something.")).toBeTruthy();
  });

  it("shows what the API refused in its own words, with no retry that would get the same answer", async () => {
    seedSession();
    fakeNetwork({
      api: {
        "GET /api/me": () => ALICE,
        "GET /api/users/@ghost/short": () => json(404, { error: { code: "user_not_found", message: "Nobody is called @ghost." } }),
      },
    });
    renderApp("/messages/new/ghost");
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toBe("Nobody is called @ghost.");
    expect(within(alert).queryByRole("button")).toBeNull();
  });
});

describe("the session ended", () => {
  const refused = () => json(401, { error: { code: "unauthorized", message: "Sign in again." } });
  const revoked = { GetTokensFromRefreshToken: () => cognitoError("NotAuthorizedException", "Refresh Token has been revoked") };

  it("shows a public page as a visitor sees it and says once that the session ended", async () => {
    seedSession();
    fakeNetwork({
      api: {
        "GET /api/me": refused,
        "GET /api/activities/home": (call) => (call.authorization ? refused() : page([])),
      },
      cognito: revoked,
    });
    renderApp("/");
    expect(await screen.findByText("No cruds yet. Be the first to say something.")).toBeTruthy();
    const alerts = await screen.findAllByRole("alert");
    expect(alerts.map((a) => a.textContent)).toEqual(["Your session has ended. Sign in again to continue."]);
    expect(screen.getByRole("link", { name: "Sign in" })).toBeTruthy();
  });

  it("sends the person from a page that needs an account to Sign in and back, saying once why", async () => {
    seedSession();
    const net = fakeNetwork({
      api: {
        "GET /api/me": () => ALICE,
        "GET /api/users/@bob/short": (call) => (call.authorization ? refused() : { uuid: "u-bob", handle: "bob", display_name: "Bob Roe" }),
      },
      cognito: revoked,
    });
    const router = renderApp("/messages/new/bob");
    await waitFor(() => expect(router.state.location.pathname).toBe("/signin"));
    expect(router.state.location.search).toBe("?next=%2Fmessages%2Fnew%2Fbob");
    expect(screen.getAllByRole("alert").map((a) => a.textContent)).toEqual(["Your session has ended. Sign in again to continue."]);
    // The profile is public: asked once with the refused token, once more as a visitor, never again.
    const asked = net.calls.api.filter((c) => c.key === "GET /api/users/@bob/short").map((c) => Boolean(c.authorization));
    expect(asked).toEqual([true, false]);
  });
});

describe("Retry-After", () => {
  it.each([
    ["30", 30],
    [" 5 ", 5],
    ["Sun, 29 Nov 2026 12:00:20 GMT", 20],
    ["Sun, 29 Nov 2026 11:00:00 GMT", 0],
    ["soon", null],
    [null, null],
  ])("%s means %s seconds", (header, wait) => {
    expect(retryAfterSeconds(header, Date.parse("2026-11-29T12:00:00Z"))).toBe(wait);
  });
});
