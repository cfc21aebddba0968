// The error boundary every route gets: a failure in one page shows here, inside the layout,
// instead of blanking the whole app.
import { Link, isRouteErrorResponse, useRouteError } from "react-router";
import { routes } from "../app/routes.js";

export function PageError() {
  const error = useRouteError();
  const message = isRouteErrorResponse(error)
    ? `${error.status} ${error.statusText}`
    : error?.message || "Something went wrong on this page.";
  return (
    <section className="page" role="alert" aria-labelledby="page-error-title">
      <h1 id="page-error-title">This page hit a problem</h1>
      <p>{message}</p>
      <p>
        <button type="button" onClick={() => window.location.reload()}>
          Reload the page
        </button>{" "}
        <Link to={routes.home.link()}>Go home</Link>
      </p>
    </section>
  );
}
