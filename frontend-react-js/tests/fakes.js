// Scripted stand-ins for the services the web app talks to, answering over fetch in the real wire shapes:
// Cognito's JSON 1.1 API (what Amplify sends), Cruddur's API (COMMON contract) and the avatar uploads
// bucket (a presigned POST of multipart/form-data).
// Amplify itself, the API client, the session provider and the pages are the real code under test.
import { vi } from "vitest";
import { configureAuth } from "../src/lib/auth.js";
import { installConfig } from "../src/lib/config.js";

export const CONFIG = {
  backendUrl: "http://api.test",
  region: "us-east-1",
  userPoolId: "us-east-1_TestPool",
  userPoolClientId: "testclient",
  cognitoEndpoint: "http://cognito.test",
};
/** Where the fake API's presigned POSTs point. */
export const UPLOADS_URL = "http://uploads.s3.test/";

const b64url = (obj) => btoa(JSON.stringify(obj)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");

/** An unsigned JWT with Cognito's claims: Amplify decodes tokens, it does not verify them. */
export function jwt({ sub = "sub-alice", username = "alice", use = "access", expiresIn = 3600, label = "", claims = {} } = {}) {
  const now = Math.floor(Date.now() / 1000);
  const payload = { sub, username, token_use: use, client_id: CONFIG.userPoolClientId, iat: now, exp: now + expiresIn, jti: label, ...claims };
  return `${b64url({ alg: "RS256", kid: "test" })}.${b64url(payload)}.signature`;
}

/**
 * Store tokens the way Amplify stores them after a sign-in, so the session exists without one. The ID
 * token names the person as the pool's app client reads them (handle, name, email).
 */
export function seedSession({
  username = "alice",
  accessToken = jwt({ username }),
  refreshToken = "refresh-1",
  identity = { preferred_username: "alice", name: "Alice Doe", email: "alice@example.com" },
} = {}) {
  const prefix = `CognitoIdentityServiceProvider.${CONFIG.userPoolClientId}`;
  localStorage.setItem(`${prefix}.LastAuthUser`, username);
  localStorage.setItem(`${prefix}.${username}.accessToken`, accessToken);
  localStorage.setItem(`${prefix}.${username}.idToken`, jwt({ username, use: "id", expiresIn: 3600, claims: identity }));
  localStorage.setItem(`${prefix}.${username}.refreshToken`, refreshToken);
  localStorage.setItem(`${prefix}.${username}.clockDrift`, "0");
}

export function storedAccessToken(username = "alice") {
  return localStorage.getItem(`CognitoIdentityServiceProvider.${CONFIG.userPoolClientId}.${username}.accessToken`);
}

const json = (status, body, headers = {}) =>
  new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json", ...headers },
  });

export const cognitoError = (type, message) =>
  json(400, { __type: type, message }, { "x-amzn-errortype": type, "Content-Type": "application/x-amz-json-1.1" });

/**
 * Route fetch calls: Cognito operations by their X-Amz-Target, API calls by "METHOD /path", form posts to
 * the uploads bucket to `uploads` (given the FormData; S3 answers 204 when there is no handler).
 * Handlers get the parsed request and return a Response (or a promise of one, to hold a call open).
 */
export function fakeNetwork({ cognito = {}, api = {}, uploads } = {}) {
  const calls = { cognito: [], api: [], uploads: [] };
  const fetch = vi.fn(async (input, init = {}) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const headers = new Headers(init.headers);
    if (url.href === UPLOADS_URL) {
      calls.uploads.push(init.body);
      return uploads ? uploads(init.body) : new Response(null, { status: 204 });
    }
    const body = init.body ? JSON.parse(init.body) : undefined;
    if (url.origin === CONFIG.cognitoEndpoint) {
      const op = headers.get("x-amz-target").split(".").pop();
      calls.cognito.push({ op, body });
      const handler = cognito[op];
      if (!handler) return cognitoError("InvalidParameterException", `fake Cognito has no ${op}`);
      return handler(body);
    }
    if (url.origin === CONFIG.backendUrl) {
      const key = `${init.method ?? "GET"} ${url.pathname}`;
      const call = { key, query: Object.fromEntries(url.searchParams), body, authorization: headers.get("authorization") };
      calls.api.push(call);
      const handler = api[key];
      if (!handler) return json(404, { error: { code: "not_found", message: `No route ${key}` } });
      const answer = await handler(call);
      return answer instanceof Response ? answer : json(200, answer);
    }
    throw new TypeError(`unexpected fetch to ${url}`);
  });
  vi.stubGlobal("fetch", fetch);
  return { calls, fetch, json };
}

/**
 * Install config and Amplify exactly as main.jsx does at start-up. Resolves once Amplify is loaded, so no
 * test spends its own time limits on loading it (beforeEach awaits what it is given).
 */
export function startApp() {
  return configureAuth(installConfig(CONFIG));
}

export function refreshAnswer(accessToken) {
  return json(200, {
    AuthenticationResult: { AccessToken: accessToken, IdToken: jwt({ use: "id" }), ExpiresIn: 3600, TokenType: "Bearer" },
  });
}

export function deferred() {
  let resolve;
  const promise = new Promise((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

export { json };

export const ALICE = { uuid: "u-alice", handle: "alice", display_name: "Alice Doe", bio: "", cruds_count: 1, created_at: "2026-11-01T00:00:00Z" };
const HOUR = 3600 * 1000;

/** A crud as the API answers it: Bob's, posted an hour ago with five hours to live, unless `over` says otherwise. */
export const activity = (over = {}) => ({
  uuid: "a-1",
  handle: "bob",
  display_name: "Bob Roe",
  message: "Hello from Bob",
  replies_count: 0,
  reposts_count: 0,
  likes_count: 0,
  reply_to_activity_uuid: null,
  created_at: new Date(Date.now() - HOUR).toISOString(),
  expires_at: new Date(Date.now() + 5 * HOUR).toISOString(),
  avatar_url: null,
  liked: false,
  reposted: false,
  reposted_by: null,
  ...over,
});

/** One page of a list, the last. */
export const page = (items) => ({ items, next_cursor: null });
