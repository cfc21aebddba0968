// Request functions for the activities API, one per endpoint.
import { api } from "./api-client.js";

// Limits and choices the API enforces, mirrored so forms refuse early; tests/contract.test.js
// compares them with backend-flask/cruddur/openapi/*.yaml.
export const MAX_CRUD_LENGTH = 280;
export const MAX_SEARCH_TERM_LENGTH = 100;
export const TTLS = [
  { value: "30-days", label: "30 days" },
  { value: "7-days", label: "7 days" },
  { value: "3-days", label: "3 days" },
  { value: "1-day", label: "1 day" },
  { value: "12-hours", label: "12 hours" },
  { value: "3-hours", label: "3 hours" },
  { value: "1-hour", label: "1 hour" },
];
export const DEFAULT_TTL = "7-days";

const handlePath = (handle) => `@${encodeURIComponent(handle)}`;

export const homeFeed = ({ cursor } = {}) => api("/api/activities/home", { query: { cursor } });

export const createActivity = ({ message, ttl }) =>
  api("/api/activities", { method: "POST", body: { message, ttl }, auth: true });

export const userActivities = (handle, { cursor } = {}) =>
  api(`/api/activities/${handlePath(handle)}`, { query: { cursor } });

export const activityWithReplies = (handle, uuid) =>
  api(`/api/activities/${handlePath(handle)}/status/${encodeURIComponent(uuid)}`);

export const replyTo = (uuid, message) =>
  api(`/api/activities/${encodeURIComponent(uuid)}/reply`, { method: "POST", body: { message }, auth: true });

export const notifications = ({ cursor } = {}) =>
  api("/api/activities/notifications", { query: { cursor }, auth: true });

export const searchActivities = (term, { cursor } = {}) =>
  api("/api/activities/search", { query: { term, cursor } });

// Likes and reposts: PUT does it, DELETE takes it back; each answers the crud's counts and the caller's state.
const reaction = (method, kind) => (uuid) =>
  api(`/api/activities/${encodeURIComponent(uuid)}/${kind}`, { method, auth: true });
export const likeActivity = reaction("PUT", "like");
export const unlikeActivity = reaction("DELETE", "like");
export const repostActivity = reaction("PUT", "repost");
export const unrepostActivity = reaction("DELETE", "repost");

/** How many live cruds the home feed has above the crud `after` (the first one shown), up to 50. */
export const newCruds = (after) => api("/api/activities/home/new", { query: { after } });

/** Notifications until now stop counting as unread; answers the caller's unread counts after it. */
export const notificationsSeen = () => api("/api/activities/notifications/seen", { method: "POST", auth: true });
