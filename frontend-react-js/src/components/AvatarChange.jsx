import { useState } from "react";
import { changeAvatar, AVATAR_TYPES } from "../lib/avatars.js";
import { ErrorNotice } from "./PageState.jsx";

const SAYING = { uploading: "Uploading picture…", processing: "Processing picture…" };

/** The owner's control for a new picture: choose a file, then see it upload and be processed, or why not. */
export function AvatarChange({ onChanged }) {
  const [stage, setStage] = useState(null);
  const [error, setError] = useState(null);

  async function chosen(event) {
    const input = event.currentTarget;
    const file = input.files?.[0];
    // Cleared at once, so choosing the same file again after an error is a change too.
    input.value = "";
    if (!file) return;
    setError(null);
    try {
      onChanged(await changeAvatar(file, setStage));
    } catch (err) {
      setError(err);
    } finally {
      setStage(null);
    }
  }

  return (
    <div className="avatar-change">
      <label className={stage ? "button-link avatar-change-busy" : "button-link"}>
        Change picture
        <input type="file" className="visually-hidden" accept={AVATAR_TYPES.join(",")} onChange={chosen}
          disabled={stage !== null} />
      </label>
      <p className="muted" role="status">{stage ? SAYING[stage] : ""}</p>
      <ErrorNotice error={error} />
    </div>
  );
}
