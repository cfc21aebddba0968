// Start-up: read /config.json, configure Cognito from it, then render. A broken config shows
// a page naming what is wrong instead of an app that fails later in confusing ways.
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { RouterProvider } from "react-router";
import { createRouter } from "./app/router.jsx";
import { configureAuth } from "./lib/auth.js";
import { loadConfig } from "./lib/config.js";
import { SessionProvider } from "./lib/session.jsx";
import "./styles.css";

const root = createRoot(document.getElementById("root"));
// Made now, so the router starts loading this address's page while /config.json is on its way.
const router = createRouter();

loadConfig().then(
  (cfg) => {
    configureAuth(cfg);
    root.render(
      <StrictMode>
        <SessionProvider>
          <RouterProvider router={router} />
        </SessionProvider>
      </StrictMode>,
    );
  },
  (err) => {
    root.render(
      <main className="page page-narrow" role="alert">
        <h1>Cruddur cannot start</h1>
        <p>{err.message}</p>
      </main>,
    );
  },
);
