// Every page of the app, declared once: the pattern the router mounts it on (src/app/router.jsx),
// the link builder everything else points at it with, and the page itself, loaded lazily so the
// first download stays small (scripts/bundle-size.mjs). `auth: true` pages send visitors to Sign in.
const route = (path, page, { link = () => path, auth = false } = {}) => ({ path, page, link, auth });

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
  notifications: route("/notifications", () => import("../pages/NotificationsPage.jsx"), { auth: true }),
  search: route("/search", () => import("../pages/SearchPage.jsx"), { link: (term) => withQuery("/search", { term }) }),
  messages: route("/messages", () => import("../pages/MessagesPage.jsx"), { auth: true }),
  newConversation: route("/messages/new/:handle", () => import("../pages/NewConversationPage.jsx"), {
    auth: true,
    link: (handle) => `/messages/new/${handle}`,
  }),
  conversation: route("/messages/:groupUuid", () => import("../pages/ConversationPage.jsx"), {
    auth: true,
    link: (groupUuid) => `/messages/${groupUuid}`,
  }),
  signUp: route("/signup", () => import("../pages/SignUpPage.jsx")),
  confirm: route("/confirm", () => import("../pages/ConfirmPage.jsx"), { link: (email) => withQuery("/confirm", { email }) }),
  /** `{ next }` returns there after signing in; `{ confirmed, reset, email }` explain why they are here. */
  signIn: route("/signin", () => import("../pages/SignInPage.jsx"), { link: (query) => withQuery("/signin", query) }),
  forgotPassword: route("/forgot-password", () => import("../pages/ForgotPasswordPage.jsx")),
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

/** Only same-app paths are followed after sign-in, so ?next= cannot send users to another site. */
export function safeNext(next) {
  return typeof next === "string" && next.startsWith("/") && !next.startsWith("//") ? next : routes.home.link();
}
