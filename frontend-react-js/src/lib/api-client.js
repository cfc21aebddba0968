// The one HTTP client for the Cruddur API. Every call awaits the session's access token first
// (Amplify refreshes an expired one before answering), so no request leaves with a stale token.
// A 401 on a token we believed fresh gets exactly one forced refresh and one retry; a second 401
// means the session is over, so the user is signed out rather than left in a half-signed-in state; a call
// that does not need a caller is then sent once more without a token, so a public page still shows.
import { amplifySession } from "./auth.js";
import { config } from "./config.js";

/** Seconds to wait from a Retry-After header (delta-seconds or an HTTP date), or null without one. */
export function retryAfterSeconds(header, now = Date.now()) {
  if (!header) return null;
  if (/^\d+$/.test(header.trim())) return Number(header.trim());
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - now) / 1000));
}

export class ApiError extends Error {
  constructor(status, code, message, { retryAfter = null } = {}) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
  }

  /**
   * What went wrong, as the person is told it: "unreachable" (no answer at all), "server" (5xx),
   * "rateLimited" (429), "signedOut" (401: the session ended, or there was none), or "refused" (any
   * other 4xx: the API's own words, and trying again would get the same answer).
   */
  get kind() {
    if (this.status === 0) return "unreachable";
    if (this.status === 429) return "rateLimited";
    if (this.status >= 500) return "server";
    if (this.status === 401) return "signedOut";
    return "refused";
  }

  static async fromResponse(res) {
    let body = null;
    try {
      body = await res.json();
    } catch {
      // Not our JSON error model (a proxy's HTML page, say): fall through to a generic message.
    }
    const err = body?.error;
    const options = { retryAfter: retryAfterSeconds(res.headers.get("Retry-After")) };
    if (err && typeof err.message === "string") return new ApiError(res.status, err.code ?? "error", err.message, options);
    return new ApiError(res.status, "http_error", `The server answered HTTP ${res.status}. Try again in a moment.`, options);
  }
}

export function createApiClient({ baseUrl, session, fetch: fetchImpl }) {
  const sessionEndedListeners = new Set();
  const answerListeners = new Set();

  /** Signs out and returns the error to throw; listeners get the same error to show its message. */
  async function endSession() {
    await session.signOut();
    const ended = new ApiError(401, "unauthorized", "Your session has ended. Sign in again to continue.");
    for (const listener of sessionEndedListeners) listener(ended);
    return ended;
  }

  async function tokenOrNull(options) {
    try {
      return await session.accessToken(options);
    } catch {
      return null;
    }
  }

  async function send(url, method, body, token) {
    const headers = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (token) headers.Authorization = `Bearer ${token}`;
    try {
      return await fetchImpl(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch {
      throw new ApiError(0, "network_error", "Cannot reach Cruddur right now. Check your connection and try again.");
    }
  }

  /**
   * `auth: true` for calls that need a signed-in caller (they fail fast without a session);
   * other calls still carry the token when there is one, so the API can personalise them.
   */
  async function request(path, { method = "GET", body, auth = false, query } = {}) {
    const qs = query && new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined && v !== null && v !== ""));
    const url = `${baseUrl()}${path}${qs && qs.size ? `?${qs}` : ""}`;
    let token = await tokenOrNull();
    if (auth && !token) throw new ApiError(401, "unauthorized", "Sign in to continue.");
    let res = await send(url, method, body, token);
    if (res.status === 401 && token) {
      token = await tokenOrNull({ forceRefresh: true });
      if (token) res = await send(url, method, body, token);
      if (!token || res.status === 401) {
        const ended = await endSession();
        if (auth) throw ended;
        res = await send(url, method, body, null);
      }
    }
    if (!res.ok) throw await ApiError.fromResponse(res);
    for (const listener of answerListeners) listener();
    return res.status === 204 ? null : res.json();
  }

  function onSessionEnded(listener) {
    sessionEndedListeners.add(listener);
    return () => sessionEndedListeners.delete(listener);
  }

  /** After every successful answer: what was made up while the API was away can be fetched again. */
  function onAnswer(listener) {
    answerListeners.add(listener);
    return () => answerListeners.delete(listener);
  }

  return { request, onSessionEnded, onAnswer };
}

export const apiClient = createApiClient({
  baseUrl: () => config().backendUrl,
  session: amplifySession,
  fetch: (...args) => globalThis.fetch(...args),
});

export const api = apiClient.request;
