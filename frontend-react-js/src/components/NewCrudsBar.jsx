// "3 new cruds": what the home feed offers when others have posted since it was loaded, instead of pushing
// what the person is reading down the page. The count is announced politely; the button shows them.
import { countLabel } from "../lib/live.js";

export function NewCrudsBar({ count, onShow, busy }) {
  return (
    <div className="new-cruds" role="status">
      {count > 0 && (
        <button type="button" className="new-cruds-button" onClick={onShow} disabled={busy}>
          {busy ? "Loading…" : `${countLabel(count)} new crud${count === 1 ? "" : "s"}`}
        </button>
      )}
    </div>
  );
}
