// The route table: every page, lazily loaded so the first download stays small (see
// scripts/bundle-size.mjs), and each with its own error boundary.
import { createBrowserRouter } from "react-router";
import { Layout } from "../components/Layout.jsx";
import { PageError } from "../components/PageError.jsx";
import { Loading } from "../components/PageState.jsx";
import { RequireAuth } from "../components/RequireAuth.jsx";

function page(load, { auth = false } = {}) {
  return {
    ErrorBoundary: PageError,
    lazy: async () => {
      const { default: Page } = await load();
      return { Component: auth ? () => <RequireAuth><Page /></RequireAuth> : Page };
    },
  };
}

export const routes = [
  {
    Component: Layout,
    ErrorBoundary: PageError,
    // Shown while the first page's chunk loads, before the layout can render.
    HydrateFallback: Loading,
    children: [
      { path: "/", ...page(() => import("../pages/HomePage.jsx")) },
      { path: "/notifications", ...page(() => import("../pages/NotificationsPage.jsx"), { auth: true }) },
      { path: "/search", ...page(() => import("../pages/SearchPage.jsx")) },
      { path: "/messages", ...page(() => import("../pages/MessagesPage.jsx"), { auth: true }) },
      { path: "/messages/new/:handle", ...page(() => import("../pages/NewConversationPage.jsx"), { auth: true }) },
      { path: "/messages/:groupUuid", ...page(() => import("../pages/ConversationPage.jsx"), { auth: true }) },
      { path: "/signup", ...page(() => import("../pages/SignUpPage.jsx")) },
      { path: "/confirm", ...page(() => import("../pages/ConfirmPage.jsx")) },
      { path: "/signin", ...page(() => import("../pages/SignInPage.jsx")) },
      { path: "/forgot-password", ...page(() => import("../pages/ForgotPasswordPage.jsx")) },
      // "@handle" is not a whole dynamic segment to the router; the pages check the "@".
      { path: "/:handle", ...page(() => import("../pages/UserPage.jsx")) },
      { path: "/:handle/status/:uuid", ...page(() => import("../pages/ActivityPage.jsx")) },
      { path: "*", ...page(() => import("../pages/NotFoundPage.jsx")) },
    ],
  },
];

export const createRouter = (options) => createBrowserRouter(routes, options);
