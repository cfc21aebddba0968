// The frame around every page: skip link, navigation (with the signed-in user's own profile),
// and the page itself. On phones the navigation becomes a bar above the page (see styles.css).
import { Suspense } from "react";
import { NavLink, Outlet, useNavigate } from "react-router";
import { paths } from "../lib/paths.js";
import { useSession } from "../lib/session.jsx";
import { Loading } from "./PageState.jsx";

export function Layout() {
  const session = useSession();
  const navigate = useNavigate();

  async function signOut() {
    await session.signOut();
    navigate(paths.signIn());
  }

  return (
    <div className="app">
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <header className="sidebar">
        <NavLink to={paths.home} className="brand">
          Cruddur
        </NavLink>
        <nav aria-label="Main">
          <ul>
            <li>
              <NavLink to={paths.home} end>
                Home
              </NavLink>
            </li>
            {session.status === "signedIn" && (
              <>
                <li>
                  <NavLink to={paths.notifications}>Notifications</NavLink>
                </li>
                <li>
                  <NavLink to={paths.messages}>Messages</NavLink>
                </li>
                <li>
                  <NavLink to={paths.user(session.user.handle)}>Profile</NavLink>
                </li>
              </>
            )}
            <li>
              <NavLink to={paths.search()}>Search</NavLink>
            </li>
          </ul>
        </nav>
        <div className="account">
          {session.status === "signedIn" && (
            <>
              <p className="whoami">
                {session.user.display_name} <span className="handle">@{session.user.handle}</span>
              </p>
              <button type="button" className="button-secondary" onClick={signOut}>
                Sign out
              </button>
            </>
          )}
          {session.status === "signedOut" && (
            <>
              <NavLink to={paths.signIn()}>Sign in</NavLink>
              <NavLink to={paths.signUp}>Sign up</NavLink>
            </>
          )}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {session.notice && (
          <p className="state state-error" role="alert">
            {session.notice}
          </p>
        )}
        <Suspense fallback={<Loading />}>
          <Outlet />
        </Suspense>
      </main>
    </div>
  );
}
