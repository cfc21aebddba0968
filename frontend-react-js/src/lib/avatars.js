// Avatars: the default drawn for someone without a picture, and changing one's own picture. A change is
// three calls: the API signs a POST, the browser sends the file straight to the uploads bucket with it, and
// the API then makes the avatar from the upload (docs/api.md, "Avatars").
import { api, ApiError } from "./api-client.js";

/** What the API takes (checked against its OpenAPI document by tests/contract.test.js). */
export const AVATAR_TYPES = ["image/jpeg", "image/png", "image/webp"];

/** Up to two letters: the first of the display name's first and last words (the handle's first without). */
export function initials({ display_name: name, handle }) {
  const words = (name ?? "").split(/\s+/).map((word) => word.match(/[\p{L}\p{N}]/u)?.[0]).filter(Boolean);
  const letters = words.length > 1 ? [words[0], words.at(-1)] : words.length ? words : [(handle || "?")[0]];
  return letters.join("").toUpperCase();
}

/** A dark colour of the handle's own (white initials stay readable on it), the same wherever it is drawn. */
export function initialsColour(handle) {
  let hash = 0;
  for (const ch of (handle ?? "").toLowerCase()) hash = (hash * 31 + ch.codePointAt(0)) >>> 0;
  return `hsl(${hash % 360} 45% 30%)`;
}

const startUpload = (contentType) =>
  api("/api/profile/avatar/uploads", { method: "POST", body: { content_type: contentType }, auth: true });

const finishUpload = (uploadUuid) =>
  api("/api/profile/avatar", { method: "POST", body: { upload_uuid: uploadUuid }, auth: true });

/**
 * The file to the uploads bucket with the API's signed form fields. Not through the API client: this goes
 * to S3, with no token (the signature is in the fields) and S3's XML for an answer.
 */
async function sendToBucket(post, file) {
  const form = new FormData();
  for (const [name, value] of Object.entries(post.fields)) form.append(name, value);
  form.append("file", file);
  let res;
  try {
    res = await fetch(post.url, { method: "POST", body: form });
  } catch {
    throw new ApiError(0, "network_error", "The picture could not be sent. Check your connection and try again.");
  }
  if (!res.ok) {
    throw new ApiError(400, "upload_refused", `The picture was refused (HTTP ${res.status}): choose a JPEG, PNG or WebP of at most ${mebibytes(post.max_bytes)}.`);
  }
}

const mebibytes = (bytes) => `${Math.floor(bytes / (1024 * 1024))} MB`;

/**
 * Make `file` the caller's avatar; `onStage("uploading" | "processing")` says where it is. Resolves to the
 * caller's profile with its new avatar_url; throws an ApiError saying what to do otherwise.
 */
export async function changeAvatar(file, onStage = () => {}) {
  if (!AVATAR_TYPES.includes(file.type)) {
    throw new ApiError(400, "content_type_unsupported", "Choose a JPEG, PNG or WebP picture.");
  }
  onStage("uploading");
  const post = await startUpload(file.type);
  if (file.size > post.max_bytes) {
    throw new ApiError(413, "avatar_too_large", `A picture may be ${mebibytes(post.max_bytes)} at most.`);
  }
  await sendToBucket(post, file);
  onStage("processing");
  return finishUpload(post.upload_uuid);
}
