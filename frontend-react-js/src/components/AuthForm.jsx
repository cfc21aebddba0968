// The frame of the sign-up/sign-in/confirm/forgot-password forms: title, fields, one submit
// button that shows progress, and the sign-in service's own error message.
import { useState } from "react";
import { authErrorMessage } from "../lib/auth.js";
import { ErrorNotice } from "./PageState.jsx";

export function AuthForm({ title, submitLabel, busyLabel, onSubmit, children, footer, notice }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const titleId = `${title.replace(/\W+/g, "-").toLowerCase()}-title`;

  async function submit(event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await onSubmit(new FormData(event.currentTarget));
    } catch (err) {
      setError(authErrorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="page page-narrow" aria-labelledby={titleId}>
      <h1 id={titleId}>{title}</h1>
      {notice && (
        <p className="state state-info" role="status">
          {notice}
        </p>
      )}
      <form className="card" onSubmit={submit}>
        {children}
        <ErrorNotice error={error} />
        <button type="submit" disabled={busy}>
          {busy ? busyLabel : submitLabel}
        </button>
      </form>
      {footer && <div className="form-footer">{footer}</div>}
    </section>
  );
}
