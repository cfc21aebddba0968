import { Link, useNavigate } from "react-router";
import { routes } from "../app/routes.js";
import { AuthForm } from "../components/AuthForm.jsx";
import { Field } from "../components/Field.jsx";
import { HandleField, handleFrom } from "../components/HandleField.jsx";
import { register } from "../lib/auth.js";
import { handleTaken } from "../lib/users.js";

export default function SignUpPage() {
  const navigate = useNavigate();

  async function signUp(form) {
    const email = form.get("email").trim();
    const handle = handleFrom(form);
    if (await handleTaken(handle)) {
      throw new Error(`@${handle} is already someone's handle. Choose another one.`);
    }
    await register({ email, password: form.get("password"), name: form.get("name").trim(), handle });
    // The email travels in the URL so Confirm still has it after a reload or a later visit.
    navigate(routes.confirm.link(email));
  }

  return (
    <AuthForm
      title="Sign up"
      submitLabel="Sign up"
      busyLabel="Signing up…"
      onSubmit={signUp}
      footer={
        <p>
          Have an account? <Link to={routes.signIn.link()}>Sign in</Link>
        </p>
      }
    >
      <Field label="Name" name="name" autoComplete="name" required />
      <HandleField />
      <Field label="Email" name="email" type="email" autoComplete="email" required />
      <Field
        label="Password"
        name="password"
        type="password"
        autoComplete="new-password"
        hint="At least 8 characters."
        minLength={8}
        required
      />
    </AuthForm>
  );
}
