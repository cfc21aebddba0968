import { Link, useNavigate, useSearchParams } from "react-router";
import { routes, safeNext, signInReason } from "../app/routes.js";
import { AuthForm } from "../components/AuthForm.jsx";
import { Field } from "../components/Field.jsx";
import { logIn } from "../lib/auth.js";
import { useSession } from "../lib/session.jsx";

export default function SignInPage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const session = useSession();

  async function signIn(form) {
    const email = form.get("email").trim();
    const outcome = await logIn(email, form.get("password"));
    if (outcome === "confirmSignUp") {
      navigate(routes.confirm.link(email));
      return;
    }
    const { status } = await session.reload();
    if (status === "signedOut") throw new Error("Signed in, but no session was stored. Try again.");
    // Someone whose handle was taken meanwhile is taken to choose another first (Layout), then on there.
    navigate(safeNext(params.get("next")), { replace: true });
  }

  let notice = null;
  const reason = params.get("next") && signInReason(safeNext(params.get("next")));
  if (reason) notice = `Sign in to ${reason}. You will be taken there once you are in.`;
  if (params.get("confirmed")) notice = "Your email is confirmed. Sign in to start crudding.";
  if (params.get("reset")) notice = "Your password is changed. Sign in with the new one.";

  return (
    <AuthForm
      title="Sign in"
      submitLabel="Sign in"
      busyLabel="Signing in…"
      onSubmit={signIn}
      notice={notice}
      footer={
        <>
          <p>
            <Link to={routes.forgotPassword.link()}>Forgot your password?</Link>
          </p>
          <p>
            New to Cruddur? <Link to={routes.signUp.link()}>Sign up</Link>
          </p>
        </>
      }
    >
      <Field label="Email" name="email" type="email" autoComplete="email" defaultValue={params.get("email") ?? ""} required />
      <Field label="Password" name="password" type="password" autoComplete="current-password" required />
    </AuthForm>
  );
}
