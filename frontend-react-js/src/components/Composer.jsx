// A text box with a live character counter and a submit button: cruds, replies and messages.
// The limit matches the API's (counted after trimming, as the API counts), and the API's own
// error message is shown if it still refuses.
import { useId, useState } from "react";
import { ErrorNotice } from "./PageState.jsx";

const tooMany = (n) => `${n} character${n === 1 ? "" : "s"} too many`;

export function Composer({ label, max, submitLabel, busyLabel = "Sending…", onSubmit, children, rows = 3, placeholder }) {
  const [text, setText] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const id = useId();
  const length = text.trim().length;
  const over = length > max;

  async function submit(event) {
    event.preventDefault();
    if (busy || length === 0 || over) return;
    setBusy(true);
    setError(null);
    try {
      await onSubmit(text.trim(), new FormData(event.currentTarget));
      setText("");
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="composer" onSubmit={submit}>
      <label htmlFor={`${id}-text`}>{label}</label>
      <textarea
        id={`${id}-text`}
        value={text}
        rows={rows}
        placeholder={placeholder}
        onChange={(e) => setText(e.target.value)}
        aria-describedby={`${id}-count`}
        aria-invalid={over}
      />
      <div className="composer-row">
        {children}
        {/* The reason is plain text, not colour alone, and inside the element the text box is described by. */}
        <span id={`${id}-count`} className={over ? "counter counter-over" : "counter"} aria-live="polite">
          {length}/{max}
          {over && <span className="counter-reason"> · {tooMany(length - max)}</span>}
        </span>
        <button type="submit" disabled={busy || length === 0 || over}>
          {busy ? busyLabel : submitLabel}
        </button>
      </div>
      <ErrorNotice error={error} />
    </form>
  );
}
