// Likes and reposts on the crud card: pressed at once, taken back with the API's message when it refuses,
// the state the API gives after a reload, a visitor led to Sign in; "reposted by" and like notifications.
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import { ALICE, activity, deferred, fakeNetwork, json, page, seedSession, startApp } from "./fakes.js";
import { renderApp } from "./render.jsx";

const crud = (over = {}) => activity({ reposts_count: 2, likes_count: 4, ...over });

beforeEach(() => startApp());

function signedIn(api) {
  seedSession();
  return fakeNetwork({ api: { "GET /api/me": () => ALICE, ...api } });
}

const likeButton = () => screen.findByRole("button", { name: /^Like crud by @bob/ });
const repostButton = () => screen.findByRole("button", { name: /^Repost crud by @bob/ });

describe("Like and repost buttons", () => {
  it("show the caller's own state after a reload", async () => {
    signedIn({ "GET /api/activities/home": () => page([crud({ liked: true, reposted: false })]) });
    renderApp("/");
    expect((await likeButton()).getAttribute("aria-pressed")).toBe("true");
    expect((await repostButton()).getAttribute("aria-pressed")).toBe("false");
    expect((await likeButton()).textContent).toContain("4 likes");
  });

  it("press at once, before the API answers, and keep what it answers", async () => {
    const user = userEvent.setup();
    const answer = deferred();
    const net = signedIn({
      "GET /api/activities/home": () => page([crud()]),
      "PUT /api/activities/a-1/like": () => answer.promise,
    });
    renderApp("/");
    await user.click(await likeButton());
    const button = await likeButton();
    expect(button.getAttribute("aria-pressed")).toBe("true");
    expect(button.textContent).toContain("5 likes");
    answer.resolve(json(200, { liked: true, likes_count: 7, reposts_count: 2 }));
    await waitFor(() => expect(button.textContent).toContain("7 likes"));
    expect(net.calls.api.find((c) => c.key === "PUT /api/activities/a-1/like").authorization).toMatch(/^Bearer /);
  });

  it("take back a repost with DELETE", async () => {
    const user = userEvent.setup();
    const net = signedIn({
      "GET /api/activities/home": () => page([crud({ reposted: true })]),
      "DELETE /api/activities/a-1/repost": () => ({ reposted: false, likes_count: 4, reposts_count: 1 }),
    });
    renderApp("/");
    await user.click(await repostButton());
    await waitFor(async () => expect((await repostButton()).getAttribute("aria-pressed")).toBe("false"));
    expect((await repostButton()).textContent).toContain("1 repost");
    expect(net.calls.api.some((c) => c.key === "DELETE /api/activities/a-1/repost")).toBe(true);
  });

  it("roll back and say why when the API refuses", async () => {
    const user = userEvent.setup();
    signedIn({
      "GET /api/activities/home": () => page([crud()]),
      "PUT /api/activities/a-1/repost": () =>
        json(429, { error: { code: "rate_limited", message: "Too many reposts: 30 per 10 minutes." } }, { "Retry-After": "20" }),
    });
    renderApp("/");
    await user.click(await repostButton());
    expect((await screen.findByRole("alert")).textContent).toBe("Could not repost: Too many reposts: 30 per 10 minutes.");
    const button = await repostButton();
    expect(button.getAttribute("aria-pressed")).toBe("false");
    expect(button.textContent).toContain("2 reposts");
  });

  it("lead a visitor to Sign in, and back to the page", async () => {
    fakeNetwork({ api: { "GET /api/activities/home": () => page([crud()]) } });
    const router = renderApp("/");
    const like = await screen.findByRole("link", { name: /4 likes: sign in to like this crud by @bob/ });
    expect(screen.queryByRole("button", { name: /^Like/ })).toBeNull();
    await userEvent.setup().click(like);
    await screen.findByRole("heading", { name: "Sign in" });
    expect(router.state.location.search).toBe("?next=%2F");
  });
});

describe("Why a crud is shown", () => {
  it("names the latest reposter in the home feed", async () => {
    signedIn({
      "GET /api/activities/home": () => page([crud({ reposted_by: { handle: "carol", display_name: "Carol" } }), crud({ uuid: "a-2", message: "plain" })]),
    });
    renderApp("/");
    const line = await screen.findByText(/Reposted by/);
    expect(within(line).getByRole("link", { name: "@carol" }).getAttribute("href")).toBe("/@carol");
    expect(screen.getAllByText(/Reposted by/)).toHaveLength(1);
  });

  it("says who liked and reposted the caller's crud among notifications", async () => {
    const mine = { handle: "alice", display_name: "Alice Doe", message: "my crud" };
    signedIn({
      "GET /api/activities/notifications": () =>
        page([
          { ...crud(mine), reason: "like", actor: { handle: "bob", display_name: "Bob Roe" } },
          { ...crud(mine), reason: "like", actor: { handle: "carol", display_name: "Carol" } },
          { ...crud(mine), reason: "repost", actor: { handle: "bob", display_name: "Bob Roe" } },
        ]),
    });
    renderApp("/notifications");
    expect(await screen.findByText("@bob liked your crud")).toBeTruthy();
    expect(screen.getByText("@carol liked your crud")).toBeTruthy();
    expect(screen.getByText("@bob reposted your crud")).toBeTruthy();
    expect(screen.getAllByText("my crud")).toHaveLength(3);
  });
});
