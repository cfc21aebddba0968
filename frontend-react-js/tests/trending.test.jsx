// Crud text links and the Trending panel, rendered with the real providers and route table.
import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { activity as fakeActivity, deferred, fakeNetwork, json, page, startApp } from "./fakes.js";
import { renderApp } from "./render.jsx";

const activity = (over = {}) => fakeActivity({ message: "Shipping #Fargate tasks with @alice today", ...over });
const TRENDING = { items: [{ tag: "fargate", people: 3, cruds: 5 }, { tag: "école", people: 1, cruds: 1 }] };
const ALICE = { uuid: "u-alice", handle: "alice", display_name: "Alice Doe", bio: "", cruds_count: 0, created_at: "2026-11-01T00:00:00Z" };

/** A screen `wide` enough for Trending's column, or a phone's. */
function screenIs({ wide }) {
  vi.stubGlobal("matchMedia", (query) => ({ matches: wide && query === "(min-width: 64rem)", addEventListener() {}, removeEventListener() {} }));
}

beforeEach(() => startApp());
afterEach(() => vi.unstubAllGlobals());

describe("a crud's text", () => {
  it("links its @mentions to the profile and its #tags to a search for them", async () => {
    const user = userEvent.setup();
    const net = fakeNetwork({
      api: {
        "GET /api/activities/home": () => page([activity()]),
        "GET /api/activities/search": () => page([activity({ uuid: "a-2", message: "More #fargate" })]),
        "GET /api/activities/@alice": () => ({ profile: ALICE, ...page([]) }),
        "GET /api/tags/trending": () => TRENDING,
      },
    });
    const router = renderApp("/");
    const card = await screen.findByRole("article");
    expect(card.querySelector(".activity-message").textContent).toBe("Shipping #Fargate tasks with @alice today");

    await user.click(within(card).getByRole("link", { name: "#Fargate" }));
    expect(await screen.findByText("More")).toBeTruthy();
    expect(router.state.location.pathname + router.state.location.search).toBe("/search?term=%23Fargate");
    expect(net.calls.api.find((c) => c.key === "GET /api/activities/search").query).toEqual({ term: "#Fargate" });

    await user.click(within(screen.getByRole("article")).getByRole("link", { name: "#fargate" }));
    expect(router.state.location.search).toBe("?term=%23fargate");
    await router.navigate("/");
    const again = (await screen.findByText(/^Shipping/)).closest("article");
    await user.click(within(again).getByRole("link", { name: "@alice" }));
    expect(await screen.findByRole("heading", { name: "Alice Doe" })).toBeTruthy();
    expect(router.state.location.pathname).toBe("/@alice");
  });

  it("leaves e-mail addresses, C# and #1 as plain text", async () => {
    fakeNetwork({ api: { "GET /api/activities/home": () => page([activity({ message: "mail bob@example.com about C# and #1" })]) } });
    renderApp("/");
    const card = await screen.findByRole("article");
    expect(within(card).getAllByRole("link").map((l) => l.textContent)).not.toContain("@example");
    expect(card.querySelector(".activity-message a")).toBeNull();
  });
});

describe("Trending", () => {
  it("is a column beside every page on a wide screen, each tag linking to its search", async () => {
    screenIs({ wide: true });
    const user = userEvent.setup();
    fakeNetwork({ api: { "GET /api/activities/home": () => page([]), "GET /api/tags/trending": () => TRENDING, "GET /api/activities/search": () => page([]) } });
    const router = renderApp("/");
    const panel = await screen.findByRole("complementary", { name: "Trending" });
    expect(within(panel).getByRole("status").textContent).toBe("Loading tags…");
    const links = await within(panel).findAllByRole("link");
    expect(links.map((l) => l.textContent)).toEqual(["#fargate5 cruds by 3 people", "#école1 crud by 1 person"]);
    await user.click(links[1]);
    expect(router.state.location.search).toBe("?term=%23%C3%A9cole");
    // the Search page does not show it a second time
    expect(screen.getAllByRole("heading", { name: "Trending" })).toHaveLength(1);
  });

  it("is on the Search page on a phone, until a search is made", async () => {
    screenIs({ wide: false });
    const user = userEvent.setup();
    fakeNetwork({ api: { "GET /api/tags/trending": () => TRENDING, "GET /api/activities/search": () => page([]) } });
    renderApp("/search");
    expect(screen.queryByRole("complementary")).toBeNull();
    const panel = await screen.findByRole("region", { name: "Trending" });
    await user.click(await within(panel).findByRole("link", { name: /#fargate/ }));
    expect(await screen.findByText("No live cruds match “#fargate”.")).toBeTruthy();
    expect(screen.queryByRole("region", { name: "Trending" })).toBeNull();
  });

  it("says so when nothing was tagged in the last day", async () => {
    screenIs({ wide: false });
    fakeNetwork({ api: { "GET /api/tags/trending": () => ({ items: [] }) } });
    renderApp("/search");
    const panel = await screen.findByRole("region", { name: "Trending" });
    expect(await within(panel).findByText("No tags in the last 24 hours yet.")).toBeTruthy();
  });

  it("says what went wrong and tries again", async () => {
    screenIs({ wide: true });
    const user = userEvent.setup();
    const later = deferred();
    let calls = 0;
    fakeNetwork({
      api: {
        "GET /api/activities/home": () => page([]),
        "GET /api/tags/trending": () => (++calls === 1 ? json(503, { error: { code: "database_unavailable", message: "Try again shortly." } }) : later.promise),
      },
    });
    renderApp("/");
    const panel = await screen.findByRole("complementary", { name: "Trending" });
    // told politely: the page's own alert, if any, stays the one alert
    expect(await within(panel).findByText("Cruddur hit a problem on its side (HTTP 503): Try again shortly.")).toBeTruthy();
    expect(within(panel).getByRole("status").textContent).toBe("Cruddur hit a problem on its side (HTTP 503): Try again shortly.Try again");
    expect(screen.queryByRole("alert")).toBeNull();
    await user.click(within(panel).getByRole("button", { name: "Try again" }));
    expect(within(panel).getByRole("status").textContent).toBe("Loading tags…");
    later.resolve(TRENDING);
    expect(await within(panel).findByRole("link", { name: /#fargate/ })).toBeTruthy();
    expect(within(panel).queryByRole("alert")).toBeNull();
  });
});
