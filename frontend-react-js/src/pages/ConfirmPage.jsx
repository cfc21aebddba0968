import { useState } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { routes } from "../app/routes.js";
import { AuthForm } from "../components/AuthForm.jsx";
import { Field } from "../components/Field.jsx";
import { ErrorNotice } from "../components/PageState.jsx";
import { authErrorMessage, confirmRegistration, resendCode } from "../lib/auth.js";

export default function ConfirmPage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [email, setEmail] = useState(params.get("email") ?? "");
  const [resend, setResend] = useState({ status: "idle", error: null });

  async function confirm(form) {
    await confirmRegistration(form.get("email").trim(), form.get("code").trim());
    navigate(routes.signIn.link({ confirmed: 1, email: form.get("email").trim() }));
  }

  async function sendAgain() {
    setResend({ status: "sending", error: null });
    try {
      await resendCode(email.trim());
      setResend({ status: "sent", error: null });
    } catch (err) {
      setResend({ status: "idle", error: authErrorMessage(err) });
    }
  }

  return (
    <AuthForm
      title="Confirm your email"
      submitLabel="Confirm"
      busyLabel="Confirming…"
      onSubmit={confirm}
      notice={email ? `We sent a confirmation code to ${email}.` : null}
      footer={
        <>
          <button type="button" className="button-secondary" onClick={sendAgain} disabled={!email || resend.status === "sending"}>
            Resend code
          </button>
          {resend.status === "sent" && <p role="status">A new code is on its way.</p>}
          <ErrorNotice error={resend.error} />
          <p>
            Already confirmed? <Link to={routes.signIn.link()}>Sign in</Link>
          </p>
        </>
      }
    >
      <Field label="Email" name="email" type="email" autoComplete="email" value={email} onChange={(e) => setEmail(e.target.value)} required />
      <Field label="Confirmation code" name="code" inputMode="numeric" autoComplete="one-time-code" required />
    </AuthForm>
  );
}
