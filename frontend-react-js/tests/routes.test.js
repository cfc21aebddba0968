// Each route's link builder and router pattern are declared side by side in src/app/routes.js;
// this proves they agree: every link a builder makes is mounted on that builder's own page.
import { matchRoutes } from "react-router";
import { describe, expect, it } from "vitest";
import { routes, safeNext, signInReason } from "../src/app/routes.js";

const linkArguments = {
  home: [],
  notifications: [],
  search: ["hello world"],
  messages: [],
  newConversation: ["bob"],
  conversation: ["6f1c0d5e-0000-4000-8000-000000000001"],
  signUp: [],
  confirm: ["new@example.com"],
  signIn: [{ next: "/messages" }],
  forgotPassword: [],
  chooseHandle: [{ next: "/messages" }],
  user: ["bob"],
  activity: ["bob", "6f1c0d5e-0000-4000-8000-000000000002"],
};
const table = Object.entries(routes).map(([id, { path }]) => ({ id, path }));

describe("routes", () => {
  it.each(Object.entries(routes).filter(([id]) => id !== "notFound"))("%s links to a URL its own pattern mounts", (id, route) => {
    expect(linkArguments, `add sample arguments for routes.${id}.link`).toHaveProperty(id);
    const { pathname } = new URL(route.link(...linkArguments[id]), "http://cruddur.test");
    expect(matchRoutes(table, pathname).at(-1).route.id).toBe(id);
  });

  it("knows why a page needs a sign-in, by the router's own match", () => {
    expect(signInReason("/notifications")).toBe("see your notifications");
    expect(signInReason("/messages/g-1?x=1")).toBe("read this conversation");
    expect(signInReason("/@notifications")).toBeNull();
    expect(signInReason("/")).toBeNull();
  });

  it("follows ?next= only within the app", () => {
    expect(safeNext("/messages/g-1")).toBe("/messages/g-1");
    expect(safeNext("//evil.example/x")).toBe("/");
    expect(safeNext("https://evil.example/x")).toBe("/");
    expect(safeNext(null)).toBe("/");
  });
});
