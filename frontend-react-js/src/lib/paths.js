// Every URL the app links to, in one place. The router (src/app/router.jsx) mounts pages on these.
export const paths = {
  home: "/",
  user: (handle) => `/@${handle}`,
  activity: (handle, uuid) => `/@${handle}/status/${uuid}`,
  notifications: "/notifications",
  search: (term) => (term ? `/search?term=${encodeURIComponent(term)}` : "/search"),
  messages: "/messages",
  conversation: (groupUuid) => `/messages/${groupUuid}`,
  newConversation: (handle) => `/messages/new/${handle}`,
  signUp: "/signup",
  confirm: (email) => (email ? `/confirm?email=${encodeURIComponent(email)}` : "/confirm"),
  signIn: (next) => (next ? `/signin?next=${encodeURIComponent(next)}` : "/signin"),
  forgotPassword: "/forgot-password",
};

/** `@alice` in a URL segment → `alice`; anything else is not a profile path. */
export function handleFromSegment(segment) {
  return segment?.startsWith("@") && segment.length > 1 ? segment.slice(1) : null;
}

/** Only same-app paths are followed after sign-in, so ?next= cannot send users to another site. */
export function safeNext(next) {
  return typeof next === "string" && next.startsWith("/") && !next.startsWith("//") ? next : paths.home;
}
