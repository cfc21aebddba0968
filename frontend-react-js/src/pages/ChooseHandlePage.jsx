// Another handle, for someone who lost the race for theirs: two people signed up for the same new handle
// within moments, and the other signed in first. Their account is fine; only the handle is not theirs.
import { Navigate, useSearchParams } from "react-router";
import { routes, safeNext } from "../app/routes.js";
import { AuthForm } from "../components/AuthForm.jsx";
import { HandleField, handleFrom } from "../components/HandleField.jsx";
import { Loading } from "../components/PageState.jsx";
import { changeHandle } from "../lib/auth.js";
import { useSession } from "../lib/session.jsx";
import { handleTaken } from "../lib/users.js";

export default function ChooseHandlePage() {
  const session = useSession();
  const [params] = useSearchParams();

  if (session.status === "loading") return <Loading label="Checking your session…" />;
  // Once the API has made their user (or for anyone who has nothing to choose), on to where they were going.
  if (session.status === "signedIn") return <Navigate to={safeNext(params.get("next"))} replace />;
  if (session.status !== "choosingHandle") return <Navigate to={routes.signIn.link()} replace />;

  async function choose(form) {
    const handle = handleFrom(form);
    if (await handleTaken(handle)) throw new Error(`@${handle} is already someone's handle. Choose another one.`);
    await changeHandle(handle);
    const { status } = await session.reload();
    if (status === "choosingHandle") {
      throw new Error(`@${handle} became someone's handle a moment ago. Choose another one.`);
    }
  }

  return (
    <AuthForm
      title="Choose your handle"
      submitLabel="Use this handle"
      busyLabel="Saving your handle…"
      onSubmit={choose}
      notice={`Someone else signed up as @${session.takenHandle} just before you did, so it is theirs. Choose another handle to start using Cruddur; your account, email and password stay as they are.`}
    >
      <HandleField />
    </AuthForm>
  );
}
