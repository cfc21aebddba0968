// Request functions for the users and profile API.
import { api } from "./api-client.js";

export const MAX_DISPLAY_NAME_LENGTH = 100;
export const MAX_BIO_LENGTH = 300;

export const shortProfile = (handle) => api(`/api/users/@${encodeURIComponent(handle)}/short`);

/** The caller's profile; the API creates the user row from Cognito on the first call. */
export const me = () => api("/api/me", { auth: true });

export const updateProfile = ({ display_name, bio }) =>
  api("/api/profile/update", { method: "POST", body: { display_name, bio }, auth: true });
