// The frame around every page: skip link, navigation (with the signed-in user's own profile),
// and the page itself. On phones the navigation is a bar fixed at the bottom of the screen, within the
// thumb's reach, and the header above the page is one short row (see styles.css).
import { Suspense, useEffect, useRef } from "react";
import { Navigate, NavLink, Outlet, useLocation, useNavigate } from "react-router";
import { routes } from "../app/routes.js";
import { countLabel, useUnread } from "../lib/live.js";
import { useSession } from "../lib/session.jsx";
import { Loading } from "./PageState.jsx";
import { TrendingPanel, useTrendingBeside } from "./TrendingPanel.jsx";

// Without a Cruddur user nothing else works, so someone choosing a handle is taken to do that (or Sign out,
// in the header) from anywhere but these: the page itself, and Sign in, which sends them on from there.
const HANDLE_FREE_PATHS = [routes.chooseHandle.link(), routes.signIn.link()];

export function Layout() {
  const session = useSession();
  const navigate = useNavigate();
  const { pathname, search } = useLocation();
  const main = useRef(null);
  const firstPath = useRef(pathname);
  const trendingBeside = useTrendingBeside();
  const unread = useUnread(session.status === "signedIn");

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
            <NavItem to={routes.home.link()} icon="home" end>
              Home
            </NavItem>
            {session.status === "signedIn" && (
              <>
                <NavItem to={routes.notifications.link()} icon="bell" count={unread?.notifications}>
                  Notifications
                </NavItem>
                <NavItem to={routes.messages.link()} icon="chat" count={unread?.messages}>
                  Messages
                </NavItem>
                {session.user.handle && (
                  <NavItem to={routes.user.link(session.user.handle)} icon="person">
                    Profile
                  </NavItem>
                )}
              </>
            )}
            <NavItem to={routes.search.link()} icon="search">
              Search
            </NavItem>
          </ul>
        </nav>
        <div className="account">
          {session.status === "signedIn" && (
            <p className="whoami">
              {session.user.display_name} <span className="handle">@{session.user.handle}</span>
            </p>
          )}
          {(session.status === "signedIn" || session.status === "choosingHandle") && (
            <button type="button" className="button-secondary" onClick={signOut}>
              Sign out
            </button>
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
          {session.status === "choosingHandle" && !HANDLE_FREE_PATHS.includes(pathname) ? (
            <Navigate to={routes.chooseHandle.link({ next: pathname + search })} replace />
          ) : (
            <Outlet />
          )}
        </Suspense>
      </main>
      {trendingBeside && <TrendingPanel as="aside" />}
    </div>
  );
}

// Outline icons on a 24-unit grid; decorative (the label names the link).
const ICONS = {
  home: "M3 11l9-7 9 7v9a1 1 0 0 1-1 1h-5v-6h-6v6H4a1 1 0 0 1-1-1z",
  bell: "M6 16V11a6 6 0 1 1 12 0v5l2 2H4zM10 20a2 2 0 0 0 4 0",
  chat: "M4 5h16v11H9l-5 4z",
  person: "M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM4 21a8 8 0 0 1 16 0",
  search: "M11 18a7 7 0 1 0 0-14 7 7 0 0 0 0 14zM16 16l5 5",
};

// `count`: how many unread (none, unknown or 0: no badge); the link is then named "Notifications, 3 unread".
// The badge sits beside the link, not in it, so the link's visible text stays its label (WCAG 2.5.3).
function NavItem({ to, icon, end, count, children }) {
  const unread = count > 0 ? countLabel(count) : null;
  return (
    <li className={unread ? "nav-item-counted" : undefined}>
      <NavLink to={to} end={end} aria-label={unread ? `${children}, ${unread} unread` : undefined}>
        <svg className="nav-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
          <path d={ICONS[icon]} />
        </svg>
        <span>{children}</span>
      </NavLink>
      {unread && (
        <span className="nav-count" aria-hidden="true">
          {unread}
        </span>
      )}
    </li>
  );
}
