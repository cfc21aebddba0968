import { useState } from "react";
import { Link, useNavigate } from "react-router";
import { routes } from "../app/routes.js";
import { AuthForm } from "../components/AuthForm.jsx";
import { Field } from "../components/Field.jsx";
import { requestPasswordReset, setNewPassword } from "../lib/auth.js";

export default function ForgotPasswordPage() {
  const [email, setEmail] = useState(null);
  const navigate = useNavigate();
  const back = (
    <p>
      <Link to={routes.signIn.link()}>Back to sign in</Link>
    </p>
  );

  if (!email) {
    return (
      <AuthForm
        title="Reset your password"
        submitLabel="Send reset code"
        busyLabel="Sending…"
        footer={back}
        onSubmit={async (form) => {
          const address = form.get("email").trim();
          await requestPasswordReset(address);
          setEmail(address);
        }}
      >
        <Field label="Email" name="email" type="email" autoComplete="email" required />
      </AuthForm>
    );
  }

  return (
    <AuthForm
      title="Choose a new password"
      submitLabel="Set new password"
      busyLabel="Saving…"
      notice={`We sent a reset code to ${email}.`}
      footer={back}
      onSubmit={async (form) => {
        await setNewPassword({ email, code: form.get("code").trim(), password: form.get("password") });
        navigate(routes.signIn.link({ reset: 1, email }));
      }}
    >
      <Field label="Reset code" name="code" inputMode="numeric" autoComplete="one-time-code" required />
      <Field label="New password" name="password" type="password" autoComplete="new-password" minLength={8} required />
    </AuthForm>
  );
}
