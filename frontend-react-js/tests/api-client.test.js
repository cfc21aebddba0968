// The API client with the real Amplify token handling underneath; Cognito and the Cruddur API are
// scripted over fetch. These tests pin the bootcamp's bug: the first request after the access
// token expired went out with the stale token and got 401.
import { beforeEach, describe, expect, it, vi } from "vitest";
import { api, ApiError, apiClient } from "../src/lib/api-client.js";
import { me } from "../src/lib/users.js";
import { deferred, fakeNetwork, json, jwt, refreshAnswer, seedSession, startApp, storedAccessToken } from "./fakes.js";

const PROFILE = { uuid: "u-1", handle: "alice", display_name: "Alice", bio: "", cruds_count: 0, created_at: "2026-11-01T00:00:00Z" };

beforeEach(() => startApp());

async function until(predicate) {
  await vi.waitFor(() => {
    if (!predicate()) throw new Error("not yet");
  });
}

describe("an expired access token", () => {
  it("holds the request until the refreshed token arrives; no request carries the stale token", async () => {
    const stale = jwt({ expiresIn: -60, label: "stale" });
    const fresh = jwt({ label: "fresh" });
    seedSession({ accessToken: stale });
    const refresh = deferred();
    const net = fakeNetwork({
      cognito: { GetTokensFromRefreshToken: () => refresh.promise },
      api: { "GET /api/me": () => PROFILE },
    });

    const pending = me();
    await until(() => net.calls.cognito.length === 1);
    expect(net.calls.cognito[0]).toMatchObject({ op: "GetTokensFromRefreshToken", body: { RefreshToken: "refresh-1" } });
    expect(net.calls.api).toEqual([]); // nothing has left while the refresh is in flight

    refresh.resolve(refreshAnswer(fresh));
    expect(await pending).toEqual(PROFILE);
    expect(net.calls.api.map((c) => c.authorization)).toEqual([`Bearer ${fresh}`]);
    expect(storedAccessToken()).toBe(fresh);
  });

  it("is refreshed once for concurrent requests, and every one of them carries the new token", async () => {
    const fresh = jwt({ label: "fresh" });
    seedSession({ accessToken: jwt({ expiresIn: -60, label: "stale" }) });
    const net = fakeNetwork({
      cognito: { GetTokensFromRefreshToken: () => refreshAnswer(fresh) },
      api: { "GET /api/me": () => PROFILE, "GET /api/message_groups": () => ({ items: [], next_cursor: null }) },
    });

    await Promise.all([me(), api("/api/message_groups", { auth: true }), me()]);
    expect(net.calls.cognito.map((c) => c.op)).toEqual(["GetTokensFromRefreshToken"]);
    expect(new Set(net.calls.api.map((c) => c.authorization))).toEqual(new Set([`Bearer ${fresh}`]));
    expect(net.calls.api).toHaveLength(3);
  });
});

describe("a 401 from the API", () => {
  it("forces one refresh and retries once with the new token", async () => {
    const first = jwt({ label: "first" });
    const second = jwt({ label: "second" });
    seedSession({ accessToken: first });
    const net = fakeNetwork({
      cognito: { GetTokensFromRefreshToken: () => refreshAnswer(second) },
      api: {
        "GET /api/me": (call) =>
          call.authorization === `Bearer ${second}`
            ? PROFILE
            : json(401, { error: { code: "unauthorized", message: "Sign in again." } }),
      },
    });

    expect(await me()).toEqual(PROFILE);
    expect(net.calls.api.map((c) => c.authorization)).toEqual([`Bearer ${first}`, `Bearer ${second}`]);
    expect(net.calls.cognito.map((c) => c.op)).toEqual(["GetTokensFromRefreshToken"]);
  });

  it("signs the user out cleanly when the retry is refused too", async () => {
    seedSession();
    const net = fakeNetwork({
      cognito: { GetTokensFromRefreshToken: () => refreshAnswer(jwt({ label: "second" })) },
      api: { "GET /api/me": () => json(401, { error: { code: "unauthorized", message: "Sign in again." } }) },
    });
    const ended = vi.fn();
    const stop = apiClient.onSessionEnded(ended);

    const err = await me().catch((e) => e);
    stop();
    expect(err).toBeInstanceOf(ApiError);
    expect([err.status, err.code, err.message]).toEqual([401, "unauthorized", "Your session has ended. Sign in again to continue."]);
    expect(net.calls.api).toHaveLength(2); // the original and exactly one retry
    expect(ended).toHaveBeenCalledOnce();
    expect(ended).toHaveBeenCalledWith(err); // the session provider shows this error's message
    expect(storedAccessToken()).toBeNull();
  });

  it("sends a public call once more as a visitor after signing out, so the page still shows", async () => {
    seedSession();
    const refused = json(401, { error: { code: "unauthorized", message: "Sign in again." } });
    const net = fakeNetwork({
      cognito: { GetTokensFromRefreshToken: () => refreshAnswer(jwt({ label: "second" })) },
      api: { "GET /api/activities/home": (call) => (call.authorization ? refused.clone() : { items: [], next_cursor: null }) },
    });
    const ended = vi.fn();
    const stop = apiClient.onSessionEnded(ended);
    expect(await api("/api/activities/home")).toEqual({ items: [], next_cursor: null });
    stop();
    expect(net.calls.api.map((c) => Boolean(c.authorization))).toEqual([true, true, false]);
    expect(ended).toHaveBeenCalledOnce();
  });

  it("signs the user out when the forced refresh itself is refused", async () => {
    seedSession();
    const net = fakeNetwork({
      cognito: {
        GetTokensFromRefreshToken: () =>
          new Response(JSON.stringify({ __type: "NotAuthorizedException", message: "Refresh Token has expired" }), {
            status: 400,
            headers: { "x-amzn-errortype": "NotAuthorizedException" },
          }),
      },
      api: { "GET /api/me": () => json(401, { error: { code: "unauthorized", message: "Sign in again." } }) },
    });

    const err = await me().catch((e) => e);
    expect([err.status, err.message]).toEqual([401, "Your session has ended. Sign in again to continue."]);
    expect(net.calls.api).toHaveLength(1); // no retry without a new token
    expect(storedAccessToken()).toBeNull();
  });
});

describe("requests and errors", () => {
  it("does not send an authenticated call without a session", async () => {
    const net = fakeNetwork();
    const err = await me().catch((e) => e);
    expect([err.status, err.code]).toEqual([401, "unauthorized"]);
    expect(net.calls.api).toEqual([]);
  });

  it("sends public calls without a token when signed out, with query parameters", async () => {
    const net = fakeNetwork({ api: { "GET /api/activities/search": () => ({ items: [], next_cursor: null }) } });
    await api("/api/activities/search", { query: { term: "hello world", cursor: undefined } });
    expect(net.calls.api).toEqual([
      { key: "GET /api/activities/search", query: { term: "hello world" }, body: undefined, authorization: null },
    ]);
  });

  it("turns the API's error body into an ApiError with its code and message", async () => {
    seedSession();
    fakeNetwork({
      api: {
        "POST /api/activities": () =>
          json(400, { error: { code: "message_too_long", message: "A crud holds 280 characters at most." } }),
      },
    });
    const err = await api("/api/activities", { method: "POST", body: { message: "x", ttl: "1-day" }, auth: true }).catch((e) => e);
    expect([err.status, err.code, err.message]).toEqual([400, "message_too_long", "A crud holds 280 characters at most."]);
  });

  it("explains a response that is not the API's JSON (a proxy's error page)", async () => {
    fakeNetwork({ api: { "GET /api/activities/home": () => new Response("<html>Bad gateway</html>", { status: 502 }) } });
    const err = await api("/api/activities/home").catch((e) => e);
    expect([err.status, err.code, err.message]).toEqual([502, "http_error", "The server answered HTTP 502. Try again in a moment."]);
  });

  it("explains a network failure", async () => {
    vi.stubGlobal("fetch", async () => {
      throw new TypeError("Failed to fetch");
    });
    const err = await api("/api/activities/home").catch((e) => e);
    expect([err.status, err.code, err.kind]).toEqual([0, "network_error", "unreachable"]);
  });

  it.each([
    [500, {}, "server", null],
    [503, { "Retry-After": "12" }, "server", 12],
    [429, { "Retry-After": "30" }, "rateLimited", 30],
    [404, {}, "refused", null],
  ])("tells an HTTP %i apart from the others (%j)", async (status, headers, kind, retryAfter) => {
    fakeNetwork({ api: { "GET /api/activities/home": () => json(status, { error: { code: "x", message: "no" } }, headers) } });
    const err = await api("/api/activities/home").catch((e) => e);
    expect([err.kind, err.retryAfter]).toEqual([kind, retryAfter]);
  });
});
