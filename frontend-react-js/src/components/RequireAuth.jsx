// Pages that only make sense signed in send visitors to Sign in, and back here afterwards.
import { Navigate, useLocation } from "react-router";
import { routes } from "../app/routes.js";
import { useSession } from "../lib/session.jsx";
import { Loading } from "./PageState.jsx";

export function RequireAuth({ children }) {
  const session = useSession();
  const location = useLocation();
  if (session.status === "loading") return <Loading label="Checking your session…" />;
  if (session.status !== "signedIn") {
    return <Navigate to={routes.signIn.link({ next: location.pathname + location.search })} replace />;
  }
  return children;
}
