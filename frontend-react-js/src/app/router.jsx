// The router's tree: the layout around every page in src/app/routes.js, each page with its own error
// boundary.
import { createBrowserRouter } from "react-router";
import { Layout } from "../components/Layout.jsx";
import { PageError } from "../components/PageError.jsx";
import { Loading } from "../components/PageState.jsx";
import { RequireAuth } from "../components/RequireAuth.jsx";
import { routes } from "./routes.js";

function pageRoute({ path, page, auth }) {
  return {
    path,
    ErrorBoundary: PageError,
    lazy: async () => {
      const { default: Page } = await page();
      return { Component: auth ? () => <RequireAuth><Page /></RequireAuth> : Page };
    },
  };
}

export const routeTree = [
  {
    Component: Layout,
    ErrorBoundary: PageError,
    // Shown while the first page's chunk loads, before the layout can render.
    HydrateFallback: Loading,
    children: Object.values(routes).map(pageRoute),
  },
];

export const createRouter = (options) => createBrowserRouter(routeTree, options);
