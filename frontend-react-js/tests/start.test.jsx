// Start-up as main.jsx does it: a config.json that is not usable shows what is wrong, by key name.
import { screen } from "@testing-library/react";
import { expect, it, vi } from "vitest";

it("names the missing config.json keys on the page instead of starting half-configured", async () => {
  document.body.innerHTML = '<div id="root"></div>';
  vi.stubGlobal("fetch", async (url) =>
    url === "/config.json" ? new Response(JSON.stringify({ region: "us-east-1", backendUrl: "http://api.test" })) : new Response(null, { status: 404 }),
  );
  await import("../src/main.jsx");
  const alert = await screen.findByRole("alert");
  expect(alert.querySelector("h1").textContent).toBe("Cruddur cannot start");
  expect(alert.querySelector("p").textContent).toBe("/config.json is not usable: missing or empty: userPoolId, userPoolClientId");
});
