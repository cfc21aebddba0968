import { render } from "@testing-library/react";
import { createMemoryRouter, RouterProvider } from "react-router";
import { routeTree } from "../src/app/router.jsx";
import { SessionProvider } from "../src/lib/session.jsx";

/** The app as main.jsx mounts it (real session provider, real route table), at `path`. */
export function renderApp(path) {
  const router = createMemoryRouter(routeTree, { initialEntries: [path] });
  render(
    <SessionProvider>
      <RouterProvider router={router} />
    </SessionProvider>,
  );
  return router;
}
