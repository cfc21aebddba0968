// "Nothing lives here", for unknown addresses and for profile and crud addresses without the "@".
import { Link } from "react-router";
import { routes } from "../app/routes.js";

export function NotFound() {
  return (
    <section className="page" aria-labelledby="not-found-title">
      <h1 id="not-found-title">Page not found</h1>
      <p>Nothing lives at this address. Cruds expire, so it may have been here once.</p>
      <p>
        <Link to={routes.home.link()}>Back to Home</Link>
      </p>
    </section>
  );
}
