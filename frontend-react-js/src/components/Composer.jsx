// A text box with a live character counter and a submit button: cruds, replies and messages.
// The limit matches the API's (counted after trimming, as the API counts), and the API's own
// error message is shown if it still refuses.
import { useId, useRef, useState } from "react";
import { ErrorNotice } from "./PageState.jsx";

const tooMany = (n) => `${n} character${n === 1 ? "" : "s"} too many`;

/**
 * `enterSends`: Enter submits and Shift+Enter starts a new line, as chat boxes do (messages); elsewhere
 * Enter is a newline. `doneLabel` is announced to screen readers once the text is sent.
 */
export function Composer({
  label,
  max,
  submitLabel,
  busyLabel = "Sending…",
  doneLabel = "Sent.",
  onSubmit,
  children,
  rows = 3,
  placeholder,
  enterSends = false,
}) {
  const [text, setText] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [done, setDone] = useState("");
  const box = useRef(null);
  const id = useId();
  const length = text.trim().length;
  const over = length > max;

  async function submit(event) {
    event.preventDefault();
    if (busy || length === 0 || over) return;
    const form = event.currentTarget;
    setBusy(true);
    setError(null);
    setDone("");
    try {
      await onSubmit(text.trim(), new FormData(form));
      setText("");
      setDone(doneLabel);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
      // The button is disabled while sending, which drops its focus to the page body. Back in the box
      // people write the next one (or fix this one), unless they have already moved on elsewhere.
      const active = document.activeElement;
      if (!active || active === document.body || form.contains(active)) box.current?.focus();
    }
  }

  function keyDown(event) {
    // isComposing: Enter also confirms a word in an input method (Japanese, Chinese ...); that is no send.
    if (!enterSends || event.key !== "Enter" || event.shiftKey || event.nativeEvent.isComposing) return;
    event.preventDefault();
    event.currentTarget.form.requestSubmit();
  }

  const describedBy = [`${id}-count`, enterSends && `${id}-keys`].filter(Boolean).join(" ");
  return (
    <form className="composer" onSubmit={submit}>
      <label htmlFor={`${id}-text`}>{label}</label>
      <textarea
        id={`${id}-text`}
        ref={box}
        value={text}
        rows={rows}
        placeholder={placeholder}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={keyDown}
        aria-describedby={describedBy}
        aria-invalid={over}
      />
      <div className="composer-row">
        {children}
        {enterSends && (
          <small id={`${id}-keys`} className="hint composer-keys">
            Enter sends · Shift+Enter for a new line
          </small>
        )}
        {/* The reason is plain text, not colour alone, and inside the element the text box is described by. */}
        <span id={`${id}-count`} className={over ? "counter counter-over" : "counter"} aria-live="polite">
          {length}/{max}
          {over && <span className="counter-reason"> · {tooMany(length - max)}</span>}
        </span>
        <button type="submit" disabled={busy || length === 0 || over}>
          {busy ? busyLabel : submitLabel}
        </button>
      </div>
      <p className="visually-hidden" role="status">
        {done}
      </p>
      <ErrorNotice error={error} onRetry={() => box.current?.form.requestSubmit()} />
    </form>
  );
}
