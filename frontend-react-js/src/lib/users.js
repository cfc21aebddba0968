// Request functions for the users and profile API.
import { api } from "./api-client.js";

// The API's limits (checked against its OpenAPI documents by tests/contract.test.js).
export const MAX_DISPLAY_NAME_LENGTH = 64;
export const MAX_BIO_LENGTH = 400;
/** What a handle may be, as an HTML `pattern` (implicitly anchored) and as the API's path rule. */
export const HANDLE_PATTERN = "[A-Za-z0-9_]{1,32}";

export const shortProfile = (handle) => api(`/api/users/@${encodeURIComponent(handle)}/short`);

/** The caller's profile; the API creates the user row from Cognito on the first call. */
export const me = () => api("/api/me", { auth: true });

export const updateProfile = ({ display_name, bio }) =>
  api("/api/profile/update", { method: "POST", body: { display_name, bio }, auth: true });
