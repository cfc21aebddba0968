import { matchRoutes } from "react-router";

// Every page of the app, declared once: the pattern the router mounts it on (src/app/router.jsx),
// the link builder everything else points at it with, and the page itself, loaded lazily so the
// first download stays small (scripts/bundle-size.mjs). Pages with `auth` send visitors to Sign in, which
// tells them why in its words: "Sign in to see your notifications".
const route = (path, page, { link = () => path, auth = null } = {}) => ({ path, page, link, auth });

/** `path?key=value&…`, leaving out the keys without a value. */
function withQuery(path, params = {}) {
  const query = Object.entries(params)
    .filter(([, value]) => value)
    .map(([key, value]) => `${key}=${encodeURIComponent(value)}`)
    .join("&");
  return query ? `${path}?${query}` : path;
}

export const routes = {
  home: route("/", () => import("../pages/HomePage.jsx")),
  notifications: route("/notifications", () => import("../pages/NotificationsPage.jsx"), { auth: "see your notifications" }),
  search: route("/search", () => import("../pages/SearchPage.jsx"), { link: (term) => withQuery("/search", { term }) }),
  messages: route("/messages", () => import("../pages/MessagesPage.jsx"), { auth: "read your messages" }),
  newConversation: route("/messages/new/:handle", () => import("../pages/NewConversationPage.jsx"), {
    auth: "send a message",
    link: (handle) => `/messages/new/${handle}`,
  }),
  conversation: route("/messages/:groupUuid", () => import("../pages/ConversationPage.jsx"), {
    auth: "read this conversation",
    link: (groupUuid) => `/messages/${groupUuid}`,
  }),
  signUp: route("/signup", () => import("../pages/SignUpPage.jsx")),
  confirm: route("/confirm", () => import("../pages/ConfirmPage.jsx"), { link: (email) => withQuery("/confirm", { email }) }),
  /** `{ next }` returns there after signing in; `{ confirmed, reset, email }` explain why they are here. */
  signIn: route("/signin", () => import("../pages/SignInPage.jsx"), { link: (query) => withQuery("/signin", query) }),
  forgotPassword: route("/forgot-password", () => import("../pages/ForgotPasswordPage.jsx")),
  /** `{ next }`: where to go once the handle is chosen (see session.jsx, "choosingHandle"). */
  chooseHandle: route("/choose-handle", () => import("../pages/ChooseHandlePage.jsx"), {
    link: (query) => withQuery("/choose-handle", query),
  }),
  // "@handle" is not a whole dynamic segment to the router; the pages check the "@" (handleFromSegment).
  user: route("/:handle", () => import("../pages/UserPage.jsx"), { link: (handle) => `/@${handle}` }),
  activity: route("/:handle/status/:uuid", () => import("../pages/ActivityPage.jsx"), {
    link: (handle, uuid) => `/@${handle}/status/${uuid}`,
  }),
  notFound: route("*", () => import("../pages/NotFoundPage.jsx")),
};

/** `@alice` in a URL segment → `alice`; anything else is not a profile path. */
export function handleFromSegment(segment) {
  return segment?.startsWith("@") && segment.length > 1 ? segment.slice(1) : null;
}

/** Why a visitor must sign in before `path` ("see your notifications"), or null for a page open to all. */
export function signInReason(path) {
  const { pathname } = new URL(path, "http://cruddur.invalid");
  // The router's own ranking, so /notifications is that page and not a profile called "notifications".
  return matchRoutes(Object.values(routes), pathname)?.at(-1).route.auth ?? null;
}

/** Only same-app paths are followed after sign-in, so ?next= cannot send users to another site. */
export function safeNext(next) {
  return typeof next === "string" && next.startsWith("/") && !next.startsWith("//") ? next : routes.home.link();
}
