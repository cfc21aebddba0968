// Request functions for the users and profile API.
import { api } from "./api-client.js";

// The API's limits (checked against its OpenAPI documents by tests/contract.test.js).
export const MAX_DISPLAY_NAME_LENGTH = 64;
export const MAX_BIO_LENGTH = 400;
/** What a handle may be, as an HTML `pattern` (implicitly anchored) and as the API's path rule. */
export const HANDLE_PATTERN = "[A-Za-z0-9_]{1,32}";

export const shortProfile = (handle) => api(`/api/users/@${encodeURIComponent(handle)}/short`);

/**
 * Whether someone already has `handle` (the API compares handles whatever their case). Asked before an
 * account is made: Cognito cannot know the API's handles, and an account whose handle is taken could never
 * sign in. Anything but a yes or a no (the API unreachable) throws: guessing "free" would risk that dead end.
 */
export async function handleTaken(handle) {
  try {
    await shortProfile(handle);
    return true;
  } catch (err) {
    if (err.status === 404) return false;
    throw err;
  }
}

/** The caller's profile; the API creates the user row from Cognito on the first call. */
export const me = () => api("/api/me", { auth: true });

export const updateProfile = ({ display_name, bio }) =>
  api("/api/profile/update", { method: "POST", body: { display_name, bio }, auth: true });

/** The caller's own unread counts for the navigation: `{notifications, messages}` (messages null if away). */
export const unreadCounts = () => api("/api/me/unread", { auth: true });
