// Request functions for direct messages. Every call needs a signed-in caller.
import { api } from "./api-client.js";

// The API's limit (checked against its OpenAPI documents by tests/contract.test.js).
export const MAX_MESSAGE_LENGTH = 1024;

export const messageGroups = ({ cursor } = {}) => api("/api/message_groups", { query: { cursor }, auth: true });

/** A page of one conversation, oldest first; next_cursor pages to older messages. */
export const conversation = (groupUuid, { cursor } = {}) =>
  api(`/api/messages/${encodeURIComponent(groupUuid)}`, { query: { cursor }, auth: true });

/** `to` is either { handle } (starts or continues a conversation) or { message_group_uuid }. */
export const sendMessage = (message, to) => api("/api/messages", { method: "POST", body: { message, ...to }, auth: true });

/** The conversation stops counting as unread; answers the caller's unread counts after it. */
export const conversationSeen = (groupUuid) =>
  api(`/api/message_groups/${encodeURIComponent(groupUuid)}/seen`, { method: "POST", auth: true });
