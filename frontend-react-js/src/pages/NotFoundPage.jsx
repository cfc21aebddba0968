import { Link } from "react-router";
import { paths } from "../lib/paths.js";

export default function NotFoundPage() {
  return (
    <section className="page" aria-labelledby="not-found-title">
      <h1 id="not-found-title">Page not found</h1>
      <p>Nothing lives at this address. Cruds expire, so it may have been here once.</p>
      <p>
        <Link to={paths.home}>Back to Home</Link>
      </p>
    </section>
  );
}
