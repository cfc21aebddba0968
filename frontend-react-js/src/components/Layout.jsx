// The frame around every page: skip link, navigation (with the signed-in user's own profile),
// and the page itself. On phones the navigation becomes a bar above the page (see styles.css).
import { Suspense, useEffect, useRef } from "react";
import { NavLink, Outlet, useLocation, useNavigate } from "react-router";
import { routes } from "../app/routes.js";
import { useSession } from "../lib/session.jsx";
import { Loading } from "./PageState.jsx";

export function Layout() {
  const session = useSession();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const main = useRef(null);
  const firstPath = useRef(pathname);

  // A client-side navigation does not move focus the way a page load does; put it on the new
  // page so keyboard and screen-reader users start there, not on the link they left behind.
  useEffect(() => {
    if (pathname !== firstPath.current) main.current?.focus({ preventScroll: false });
    firstPath.current = null;
  }, [pathname]);

  async function signOut() {
    await session.signOut();
    navigate(routes.signIn.link());
  }

  return (
    <div className="app">
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <header className="sidebar">
        <NavLink to={routes.home.link()} className="brand">
          Cruddur
        </NavLink>
        <nav aria-label="Main">
          <ul>
            <li>
              <NavLink to={routes.home.link()} end>
                Home
              </NavLink>
            </li>
            {session.status === "signedIn" && (
              <>
                <li>
                  <NavLink to={routes.notifications.link()}>Notifications</NavLink>
                </li>
                <li>
                  <NavLink to={routes.messages.link()}>Messages</NavLink>
                </li>
                {session.user.handle && (
                  <li>
                    <NavLink to={routes.user.link(session.user.handle)}>Profile</NavLink>
                  </li>
                )}
              </>
            )}
            <li>
              <NavLink to={routes.search.link()}>Search</NavLink>
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
              <NavLink to={routes.signIn.link()}>Sign in</NavLink>
              <NavLink to={routes.signUp.link()}>Sign up</NavLink>
            </>
          )}
        </div>
      </header>
      <main id="main" tabIndex={-1} ref={main}>
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
