// The one HTTP client for the Cruddur API. Every call awaits the session's access token first
// (Amplify refreshes an expired one before answering), so no request leaves with a stale token.
// A 401 on a token we believed fresh gets exactly one forced refresh and one retry; a second 401
// means the session is over, so the user is signed out rather than left in a half-signed-in state.
import { amplifySession } from "./auth.js";
import { config } from "./config.js";

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
  }

  static async fromResponse(res) {
    let body = null;
    try {
      body = await res.json();
    } catch {
      // Not our JSON error model (a proxy's HTML page, say): fall through to a generic message.
    }
    const err = body?.error;
    if (err && typeof err.message === "string") return new ApiError(res.status, err.code ?? "error", err.message);
    return new ApiError(res.status, "http_error", `The server answered HTTP ${res.status}. Try again in a moment.`);
  }
}

export function createApiClient({ baseUrl, session, fetch: fetchImpl }) {
  const sessionEndedListeners = new Set();

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
      if (!token) throw await endSession();
      res = await send(url, method, body, token);
      if (res.status === 401) throw await endSession();
    }
    if (!res.ok) throw await ApiError.fromResponse(res);
    return res.status === 204 ? null : res.json();
  }

  function onSessionEnded(listener) {
    sessionEndedListeners.add(listener);
    return () => sessionEndedListeners.delete(listener);
  }

  return { request, onSessionEnded };
}

export const apiClient = createApiClient({
  baseUrl: () => config().backendUrl,
  session: amplifySession,
  fetch: (...args) => globalThis.fetch(...args),
});

export const api = apiClient.request;
