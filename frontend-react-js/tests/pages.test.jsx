// Pages rendered with the real providers and route table, found by role and label as a person
// (or a screen reader) finds them. The Cruddur API and Cognito are scripted over fetch.
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { ALICE, activity, cognitoError, deferred, fakeNetwork, json, jwt, page, refreshAnswer, seedSession, startApp } from "./fakes.js";
import { renderApp } from "./render.jsx";


beforeEach(() => startApp());

function signedIn(api, cognito) {
  seedSession();
  return fakeNetwork({ api: { "GET /api/me": () => ALICE, ...api }, cognito });
}

describe("Home", () => {
  it("shows the feed, counts characters as you type, and posts a crud with the chosen time to live", async () => {
    const user = userEvent.setup();
    const net = signedIn({
      "GET /api/activities/home": () => page([activity()]),
      "POST /api/activities": (call) => json(201, activity({ uuid: "a-2", handle: "alice", display_name: "Alice Doe", message: call.body.message })),
    });
    renderApp("/");

    expect(await screen.findByText("Hello from Bob")).toBeTruthy();
    expect(screen.getByText("5 hours left")).toBeTruthy(); // posted with 5 hours to live a moment ago
    expect(screen.getByRole("link", { name: "Profile" }).getAttribute("href")).toBe("/@alice");

    const box = screen.getByRole("textbox", { name: "What's happening?" });
    await user.type(box, "  My first crud ");
    expect(screen.getByText("13/280")).toBeTruthy(); // counted after trimming, as the API counts
    await user.selectOptions(screen.getByRole("combobox", { name: "Time to live" }), "1-hour");
    await user.click(screen.getByRole("button", { name: "Crud" }));

    const feed = screen.getByRole("region", { name: "Home feed" });
    await within(feed).findByText("My first crud");
    expect(net.calls.api.find((c) => c.key === "POST /api/activities").body).toEqual({ message: "My first crud", ttl: "1-hour" });
    expect(box.value).toBe("");
  });

  it("refuses to post over 280 characters before the API has to", async () => {
    const user = userEvent.setup();
    signedIn({ "GET /api/activities/home": () => page([]) });
    renderApp("/");
    const box = await screen.findByRole("textbox", { name: "What's happening?" });
    await user.click(box);
    await user.paste("x".repeat(281));
    expect(screen.getByText(/281\/280/)).toBeTruthy();
    expect(screen.getByRole("button", { name: "Crud" }).disabled).toBe(true);
    expect(box.getAttribute("aria-invalid")).toBe("true");
    // The reason is shown to everyone, not only to screen readers, and announced with the box.
    const reason = screen.getByText("1 character too many", { exact: false });
    expect(reason.closest(".visually-hidden")).toBeNull();
    expect(document.getElementById(box.getAttribute("aria-describedby")).textContent).toBe("281/280 · 1 character too many");
    await user.paste("yy");
    expect(screen.getByText("3 characters too many", { exact: false })).toBeTruthy();
  });

  it("shows the API's own error message when it refuses a crud", async () => {
    const user = userEvent.setup();
    signedIn({
      "GET /api/activities/home": () => page([]),
      "POST /api/activities": () => json(400, { error: { code: "ttl_unknown", message: "Pick one of: 30-days, 7-days" } }),
    });
    renderApp("/");
    await user.type(await screen.findByRole("textbox", { name: "What's happening?" }), "hi");
    await user.click(screen.getByRole("button", { name: "Crud" }));
    expect((await screen.findByRole("alert")).textContent).toContain("Pick one of: 30-days, 7-days");
  });

  it("shows an empty state, and no composer to a visitor", async () => {
    fakeNetwork({ api: { "GET /api/activities/home": () => page([]) } });
    renderApp("/");
    expect(await screen.findByText("No cruds yet. Be the first to say something.")).toBeTruthy();
    expect(screen.queryByRole("textbox", { name: "What's happening?" })).toBeNull();
    expect(screen.getByRole("link", { name: "Sign in" })).toBeTruthy();
  });

  it("tells a visitor what Cruddur is, with the way in", async () => {
    fakeNetwork({ api: { "GET /api/activities/home": () => page([activity()]) } });
    renderApp("/");
    const intro = await screen.findByRole("region", { name: "Cruddur: say it, and let it go" });
    expect(intro.textContent).toContain("has a time to live you choose, from an hour to 30 days, then it is gone");
    expect(within(intro).getByRole("link", { name: "Create an account" }).getAttribute("href")).toBe("/signup");
    expect(within(intro).getByRole("link", { name: "Sign in with your account" }).getAttribute("href")).toBe("/signin");
  });

  it("does not explain Cruddur to someone signed in", async () => {
    signedIn({ "GET /api/activities/home": () => page([activity()]) });
    renderApp("/");
    await screen.findByRole("textbox", { name: "What's happening?" });
    expect(screen.queryByRole("region", { name: "Cruddur: say it, and let it go" })).toBeNull();
  });

  it("draws the feed only once it knows who is looking, so the composer is not pushed in above it", async () => {
    // A stale token keeps the session unsettled while Cognito renews it; a visitor's is unsettled for a moment too,
    // and the intro would then land above the feed the same way (a layout shift on a slow phone).
    const renewed = deferred();
    seedSession({ accessToken: jwt({ expiresIn: -60, label: "stale" }) });
    fakeNetwork({
      api: { "GET /api/me": () => ALICE, "GET /api/activities/home": () => page([activity()]) },
      cognito: { GetTokensFromRefreshToken: () => renewed.promise },
    });
    renderApp("/");
    await screen.findByRole("heading", { name: "Home" });
    expect(screen.getByRole("status").textContent).toBe("Loading…");
    expect(screen.queryByRole("region", { name: "Home feed" })).toBeNull();

    renewed.resolve(refreshAnswer(jwt({ label: "renewed" })));
    const box = await screen.findByRole("textbox", { name: "What's happening?" });
    const feed = screen.getByRole("region", { name: "Home feed" });
    expect(box.compareDocumentPosition(feed) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(await within(feed).findByText("Hello from Bob")).toBeTruthy();
  });

  it("keeps the layout when the page breaks, showing the error boundary inside it", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {}); // React and the router report the crash loudly
    vi.spyOn(console, "warn").mockImplementation(() => {});
    fakeNetwork({ api: { "GET /api/activities/home": () => ({ unexpected: true }) } });
    renderApp("/");
    expect(await screen.findByRole("heading", { name: "This page hit a problem" })).toBeTruthy();
    expect(screen.getByRole("navigation", { name: "Main" })).toBeTruthy();
  });
});

describe("Activity page", () => {
  it("shows the crud with its replies and adds a reply", async () => {
    const user = userEvent.setup();
    const net = signedIn({
      "GET /api/activities/@bob/status/a-1": () => ({
        activity: activity({ replies_count: 1 }),
        replies: [activity({ uuid: "r-1", handle: "carol", display_name: "Carol", message: "First reply", reply_to_activity_uuid: "a-1" })],
      }),
      "POST /api/activities/a-1/reply": (call) =>
        json(201, activity({ uuid: "r-2", handle: "alice", display_name: "Alice Doe", message: call.body.message, reply_to_activity_uuid: "a-1" })),
    });
    renderApp("/@bob/status/a-1");

    const replies = await screen.findByRole("region", { name: "Replies" });
    expect(within(replies).getByText("First reply")).toBeTruthy();
    await user.type(screen.getByRole("textbox", { name: "Your reply" }), "Nice one");
    await user.click(screen.getByRole("button", { name: "Reply" }));
    expect(await within(replies).findByText("Nice one")).toBeTruthy();
    expect(screen.getByText("2 replies")).toBeTruthy();
    expect(net.calls.api.at(-1).body).toEqual({ message: "Nice one" });
  });

  it.each([
    ["an expired crud", "gone", { code: "activity_not_found", message: "This crud has expired or never existed." }],
    ["an address that is no crud's", "not-a-uuid", { code: "not_found", message: "There is nothing at this address." }],
  ])("shows the app's 404 page for %s, as for any unknown address", async (_, uuid, error) => {
    fakeNetwork({ api: { [`GET /api/activities/@bob/status/${uuid}`]: () => json(404, { error }) } });
    renderApp(`/@bob/status/${uuid}`);
    expect(await screen.findByRole("heading", { name: "Page not found" })).toBeTruthy();
    expect(screen.queryByRole("alert")).toBeNull();
  });
});

describe("User page", () => {
  it("lets you edit your own bio", async () => {
    const user = userEvent.setup();
    const net = signedIn({
      "GET /api/activities/@alice": () => ({ profile: ALICE, ...page([activity({ handle: "alice", display_name: "Alice Doe", message: "mine" })]) }),
      "POST /api/profile/update": (call) => ({ ...ALICE, ...call.body }),
    });
    renderApp("/@alice");

    await user.click(await screen.findByRole("button", { name: "Edit profile" }));
    const bio = screen.getByRole("textbox", { name: "Bio" });
    await user.type(bio, "Cloud person");
    await user.click(screen.getByRole("button", { name: "Save profile" }));

    expect(await screen.findByText("Cloud person")).toBeTruthy();
    expect(screen.queryByRole("form", { name: "Edit profile" })).toBeNull();
    expect(net.calls.api.find((c) => c.key === "POST /api/profile/update").body).toEqual({ display_name: "Alice Doe", bio: "Cloud person" });
  });

  it("shows a new name on your own cruds as soon as the rename is saved", async () => {
    const user = userEvent.setup();
    signedIn({
      "GET /api/activities/@alice": () => ({ profile: ALICE, ...page([activity({ handle: "alice", display_name: "Alice Doe", message: "mine" })]) }),
      "POST /api/profile/update": (call) => ({ ...ALICE, ...call.body }),
    });
    renderApp("/@alice");
    await user.click(await screen.findByRole("button", { name: "Edit profile" }));
    const name = screen.getByRole("textbox", { name: "Display name" });
    await user.clear(name);
    await user.type(name, "Alice Renamed");
    await user.click(screen.getByRole("button", { name: "Save profile" }));
    const crud = (await screen.findByText("mine")).closest("article");
    expect(within(crud).getByText("Alice Renamed")).toBeTruthy();
    expect(within(crud).queryByText("Alice Doe")).toBeNull();
  });

  it("offers a message button on someone else's profile, and no edit form", async () => {
    signedIn({ "GET /api/activities/@bob": () => ({ profile: { ...ALICE, uuid: "u-bob", handle: "bob", display_name: "Bob Roe" }, ...page([]) }) });
    renderApp("/@bob");
    expect((await screen.findByRole("link", { name: "Message @bob" })).getAttribute("href")).toBe("/messages/new/bob");
    expect(screen.queryByRole("button", { name: "Edit profile" })).toBeNull();
    expect(screen.getByText("@bob has no live cruds.")).toBeTruthy();
  });

  it("pages a profile's cruds with Load more, and keeps them when the next page fails", async () => {
    const user = userEvent.setup();
    const profile = { ...ALICE, uuid: "u-bob", handle: "bob", display_name: "Bob Roe" };
    const answers = [
      { profile, items: [activity({ message: "newest" })], next_cursor: "c2" },
      json(503, { error: { code: "unavailable", message: "Try again in a moment." } }),
      { profile, ...page([activity({ uuid: "a-0", message: "older" })]) },
    ];
    signedIn({ "GET /api/activities/@bob": () => answers.shift() });
    renderApp("/@bob");
    const cruds = await screen.findByRole("region", { name: "Cruds" });
    await user.click(within(cruds).getByRole("button", { name: "Load more" }));
    expect((await within(cruds).findByRole("alert")).textContent).toBe("Cruddur hit a problem on its side (HTTP 503): Try again in a moment.");
    expect(within(cruds).getByText("newest")).toBeTruthy();
    await user.click(within(cruds).getByRole("button", { name: "Load more" }));
    expect(await within(cruds).findByText("older")).toBeTruthy();
    expect(within(cruds).queryByRole("alert")).toBeNull();
    expect(within(cruds).queryByRole("button", { name: "Load more" })).toBeNull();
  });
});

describe("Notifications", () => {
  it("says why each crud is there", async () => {
    signedIn({ "GET /api/activities/notifications": () => page([{ ...activity({ message: "@alice look" }), reason: "mention" }]) });
    renderApp("/notifications");
    expect(await screen.findByText("mentioned you")).toBeTruthy();
    expect(screen.getByRole("link", { name: "@alice" }).closest("p").textContent).toBe("@alice look");
  });

  it("sends a visitor to Sign in and says why", async () => {
    fakeNetwork();
    const router = renderApp("/notifications");
    expect(await screen.findByRole("heading", { name: "Sign in" })).toBeTruthy();
    expect(router.state.location.search).toBe("?next=%2Fnotifications");
    expect(screen.getByRole("status").textContent).toBe("Sign in to see your notifications. You will be taken there once you are in.");
  });

  it.each([
    ["/messages", "read your messages"],
    ["/messages/new/bob", "send a message"],
    ["/messages/g-1", "read this conversation"],
  ])("names what %s needs a sign-in for", async (path, reason) => {
    fakeNetwork();
    renderApp(path);
    await screen.findByRole("heading", { name: "Sign in" });
    expect(screen.getByRole("status").textContent).toBe(`Sign in to ${reason}. You will be taken there once you are in.`);
  });
});

describe("Search", () => {
  it("searches by the term in the URL and pages with Load more", async () => {
    const user = userEvent.setup();
    const net = fakeNetwork({
      api: {
        "GET /api/activities/search": (call) =>
          call.query.cursor
            ? page([activity({ uuid: "a-9", message: "older hello" })])
            : { items: [activity({ message: "hello there" })], next_cursor: "c2" },
      },
    });
    renderApp("/search");
    await user.type(await screen.findByRole("searchbox", { name: "Search cruds" }), "hello");
    await user.click(screen.getByRole("button", { name: "Search" }));
    expect(await screen.findByText("hello there")).toBeTruthy();
    await user.click(screen.getByRole("button", { name: "Load more" }));
    expect(await screen.findByText("older hello")).toBeTruthy();
    const searches = net.calls.api.filter((c) => c.key === "GET /api/activities/search");
    expect(searches.map((c) => c.query)).toEqual([{ term: "hello" }, { term: "hello", cursor: "c2" }]);
  });
});

describe("Messages", () => {
  it("shows a conversation oldest first, loads older messages above, and sends one", async () => {
    const user = userEvent.setup();
    const msg = (uuid, handle, message) => ({ uuid, handle, display_name: handle, message, created_at: "2026-11-29T10:00:00Z" });
    const net = signedIn({
      "GET /api/messages/g-1": (call) =>
        call.query.cursor ? page([msg("m-0", "bob", "the very first")]) : { items: [msg("m-1", "bob", "hi alice"), msg("m-2", "alice", "hi bob")], next_cursor: "older" },
      "POST /api/messages": (call) => json(201, { message_group_uuid: "g-1", message: msg("m-3", "alice", call.body.message) }),
    });
    renderApp("/messages/g-1");

    expect(await screen.findByRole("heading", { name: "Conversation with bob" })).toBeTruthy();
    await user.click(screen.getByRole("button", { name: "Load older messages" }));
    await screen.findByText("the very first");
    await user.type(screen.getByRole("textbox", { name: "Your message" }), "see you");
    await user.click(screen.getByRole("button", { name: "Send" }));
    await screen.findByText("see you");
    const texts = within(screen.getByRole("list", { name: "Messages" })).getAllByRole("listitem").map((li) => li.querySelector(".message-text").textContent);
    expect(texts).toEqual(["the very first", "hi alice", "hi bob", "see you"]);
    expect(net.calls.api.find((c) => c.key === "POST /api/messages").body).toEqual({ message: "see you", message_group_uuid: "g-1" });
  });

  it("starts a conversation with a handle and lands in it", async () => {
    const user = userEvent.setup();
    const net = signedIn({
      "GET /api/message_groups": () => page([]),
      "GET /api/users/@bob/short": () => ({ uuid: "u-bob", handle: "bob", display_name: "Bob Roe" }),
      "POST /api/messages": () => json(201, { message_group_uuid: "g-7", message: { uuid: "m-1", handle: "alice", display_name: "Alice Doe", message: "hey", created_at: "2026-11-29T10:00:00Z" } }),
      "GET /api/messages/g-7": () => page([{ uuid: "m-1", handle: "alice", display_name: "Alice Doe", message: "hey", created_at: "2026-11-29T10:00:00Z" }]),
    });
    const router = renderApp("/messages");
    expect(await screen.findByText("No conversations yet.")).toBeTruthy();
    await user.type(screen.getByRole("textbox", { name: "Message someone new (handle)" }), "@bob");
    await user.click(screen.getByRole("button", { name: "Start" }));
    expect(await screen.findByText("Bob Roe")).toBeTruthy();
    await user.type(screen.getByRole("textbox", { name: "Your message" }), "hey");
    await user.click(screen.getByRole("button", { name: "Send" }));
    await waitFor(() => expect(router.state.location.pathname).toBe("/messages/g-7"));
    expect(net.calls.api.find((c) => c.key === "POST /api/messages").body).toEqual({ message: "hey", handle: "bob" });
  });
});

/** Fill in Sign up as a person would and press the button. */
async function signUp(user, { name, handle, email }) {
  renderApp("/signup");
  await user.type(await screen.findByRole("textbox", { name: "Name" }), name);
  await user.type(screen.getByRole("textbox", { name: "Handle" }), handle);
  await user.type(screen.getByRole("textbox", { name: "Email" }), email);
  await user.type(screen.getByLabelText("Password"), "Passw0rd!long");
  await user.click(screen.getByRole("button", { name: "Sign up" }));
}

describe("Sign up, confirm and sign in", () => {
  it("carries the email from sign-up to Confirm", async () => {
    const user = userEvent.setup();
    const net = fakeNetwork({
      api: { "GET /api/users/@newbie/short": () => json(404, { error: { code: "user_not_found", message: "No such user." } }) },
      cognito: { SignUp: () => json(200, { UserConfirmed: false, UserSub: "sub-new", CodeDeliveryDetails: { DeliveryMedium: "EMAIL", Destination: "n***@e.com" } }) },
    });
    await signUp(user, { name: "New Person", handle: "newbie", email: "new@example.com" });

    expect(await screen.findByRole("heading", { name: "Confirm your email" })).toBeTruthy();
    expect(screen.getByRole("textbox", { name: "Email" }).value).toBe("new@example.com");
    const attrs = Object.fromEntries(net.calls.cognito[0].body.UserAttributes.map((a) => [a.Name, a.Value]));
    expect(attrs).toEqual({ email: "new@example.com", name: "New Person", preferred_username: "newbie" });
  });

  it("refuses a handle someone already has before any account is made", async () => {
    const user = userEvent.setup();
    const net = fakeNetwork({
      api: { "GET /api/users/@Londo/short": () => json(200, { uuid: "u-2", handle: "londo", display_name: "Londo Mollari" }) },
      cognito: { SignUp: () => json(200, { UserConfirmed: false, UserSub: "sub-new" }) },
    });
    await signUp(user, { name: "Not Londo", handle: "@Londo", email: "other@example.com" });
    expect(await screen.findByText("@Londo is already someone's handle. Choose another one.")).toBeTruthy();
    expect(net.calls.cognito).toEqual([]);
  });

  it("does not guess the handle is free when the API cannot be asked", async () => {
    const user = userEvent.setup();
    const net = fakeNetwork({
      api: { "GET /api/users/@someone/short": () => { throw new TypeError("Failed to fetch"); } },
      cognito: { SignUp: () => json(200, { UserConfirmed: false, UserSub: "s" }) },
    });
    await signUp(user, { name: "Someone", handle: "someone", email: "someone@example.com" });
    expect(await screen.findByText("Cannot reach Cruddur right now. Check your connection and try again.")).toBeTruthy();
    expect(net.calls.cognito).toEqual([]);
  });

  it("offers another handle to someone whose handle was taken before their first sign-in, then goes on", async () => {
    const user = userEvent.setup();
    let handle = "alice";
    const taken = () => json(409, { error: { code: "handle_taken", message: `The handle @${handle} belongs to someone else.` } });
    const net = signedIn({
      "GET /api/me": () => (handle === "alice" ? taken() : { ...ALICE, handle }),
      "GET /api/users/@alice_too/short": () => json(404, { error: { code: "user_not_found", message: "Nobody is called @alice_too." } }),
      "GET /api/message_groups": () => page([]),
    }, {
      UpdateUserAttributes: (body) => {
        handle = body.UserAttributes.find((a) => a.Name === "preferred_username").Value;
        return json(200, { CodeDeliveryDetailsList: [] });
      },
      GetTokensFromRefreshToken: () => refreshAnswer(jwt({ label: "renewed" })),
    });
    renderApp("/messages");
    expect(await screen.findByRole("heading", { name: "Choose your handle" })).toBeTruthy();
    expect(screen.getByRole("status").textContent).toMatch(/^Someone else signed up as @alice just before you did/);
    expect(screen.getByRole("button", { name: "Sign out" })).toBeTruthy(); // the other way out
    await user.type(screen.getByRole("textbox", { name: "Handle" }), "@alice_too");
    await user.click(screen.getByRole("button", { name: "Use this handle" }));
    expect(await screen.findByRole("heading", { name: "Messages" })).toBeTruthy();
    expect(screen.getByRole("link", { name: "Profile" }).getAttribute("href")).toBe("/@alice_too");
    expect(net.calls.cognito.map((c) => c.op)).toEqual(["UpdateUserAttributes", "GetTokensFromRefreshToken"]);
  });

  it("says so when the other handle is someone's too, and changes nothing", async () => {
    const user = userEvent.setup();
    const net = signedIn({
      "GET /api/me": () => json(409, { error: { code: "handle_taken", message: "The handle @alice belongs to someone else." } }),
      "GET /api/users/@bob/short": () => ({ uuid: "u-bob", handle: "bob", display_name: "Bob Roe" }),
    });
    renderApp("/");
    await user.type(await screen.findByRole("textbox", { name: "Handle" }), "bob");
    await user.click(screen.getByRole("button", { name: "Use this handle" }));
    expect(await screen.findByText("@bob is already someone's handle. Choose another one.")).toBeTruthy();
    expect(net.calls.cognito).toEqual([]);
  });

  it("resends the confirmation code to the prefilled email", async () => {
    const user = userEvent.setup();
    const net = fakeNetwork({ cognito: { ResendConfirmationCode: () => json(200, { CodeDeliveryDetails: { DeliveryMedium: "EMAIL" } }) } });
    renderApp("/confirm?email=new%40example.com");
    await user.click(await screen.findByRole("button", { name: "Resend code" }));
    expect(await screen.findByText("A new code is on its way.")).toBeTruthy();
    expect(net.calls.cognito[0].body.Username).toBe("new@example.com");
  });

  it("sends an unconfirmed user from Sign in to Confirm", async () => {
    const user = userEvent.setup();
    fakeNetwork({ cognito: { InitiateAuth: () => cognitoError("UserNotConfirmedException", "User is not confirmed.") } });
    renderApp("/signin");
    await user.type(await screen.findByRole("textbox", { name: "Email" }), "late@example.com");
    await user.type(screen.getByLabelText("Password"), "Passw0rd!long");
    await user.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByRole("heading", { name: "Confirm your email" })).toBeTruthy();
    expect(screen.getByRole("textbox", { name: "Email" }).value).toBe("late@example.com");
  });

  it("shows the sign-in service's message for a wrong password", async () => {
    const user = userEvent.setup();
    fakeNetwork({ cognito: { InitiateAuth: () => cognitoError("NotAuthorizedException", "Incorrect username or password.") } });
    renderApp("/signin");
    await user.type(await screen.findByRole("textbox", { name: "Email" }), "a@example.com");
    await user.type(screen.getByLabelText("Password"), "wrong-password");
    await user.click(screen.getByRole("button", { name: "Sign in" }));
    expect((await screen.findByRole("alert")).textContent).toBe("Incorrect username or password.");
  });
});

describe("Session end and unknown pages", () => {
  it("signs out and says so when the API keeps refusing the session", async () => {
    const refusal = () => json(401, { error: { code: "unauthorized", message: "Sign in again." } });
    fakeNetwork({
      api: { "GET /api/me": refusal, "GET /api/activities/home": () => page([]) },
      cognito: { GetTokensFromRefreshToken: () => cognitoError("NotAuthorizedException", "Refresh Token has been revoked") },
    });
    seedSession();
    renderApp("/");
    expect((await screen.findByRole("alert")).textContent).toBe("Your session has ended. Sign in again to continue.");
    expect(screen.getByRole("link", { name: "Sign in" })).toBeTruthy();
  });

  it("shows a 404 page for an unknown path", async () => {
    fakeNetwork();
    renderApp("/no/such/page");
    expect(await screen.findByRole("heading", { name: "Page not found" })).toBeTruthy();
  });
});

describe("Keyboard and focus", () => {
  it("puts focus back in the text box after a crud is posted, and says it is posted", async () => {
    const user = userEvent.setup();
    signedIn({
      "GET /api/activities/home": () => page([]),
      "POST /api/activities": (call) => json(201, activity({ uuid: "a-2", handle: "alice", message: call.body.message })),
    });
    renderApp("/");
    const box = await screen.findByRole("textbox", { name: "What's happening?" });
    await user.type(box, "posted by keyboard");
    await user.click(screen.getByRole("button", { name: "Crud" }));
    await screen.findByText("posted by keyboard");
    expect(document.activeElement).toBe(box);
    expect(screen.getByText("Your crud is posted.").getAttribute("role")).toBe("status");
  });

  it("keeps focus in the text box when the API refuses, so the text can be fixed", async () => {
    const user = userEvent.setup();
    signedIn({
      "GET /api/activities/home": () => page([]),
      "POST /api/activities": () => json(400, { error: { code: "message_blank", message: "Write something before posting." } }),
    });
    renderApp("/");
    const box = await screen.findByRole("textbox", { name: "What's happening?" });
    await user.type(box, "x");
    await user.click(screen.getByRole("button", { name: "Crud" }));
    await screen.findByText("Write something before posting.");
    expect(document.activeElement).toBe(box);
    expect(box.value).toBe("x");
  });

  it("sends a message with Enter, starts a new line with Shift+Enter, and stays in the message box", async () => {
    const user = userEvent.setup();
    const msg = (uuid, message) => ({ uuid, handle: "alice", display_name: "Alice Doe", message, created_at: "2026-11-29T10:00:00Z" });
    let n = 0;
    const net = signedIn({
      "GET /api/messages/g-1": () => page([{ ...msg("m-1", "hi alice"), handle: "bob", display_name: "bob" }]),
      "POST /api/messages": (call) => json(201, { message_group_uuid: "g-1", message: msg(`m-${(n += 1) + 1}`, call.body.message) }),
    });
    renderApp("/messages/g-1");
    const box = await screen.findByRole("textbox", { name: "Your message" });
    expect(box.getAttribute("aria-describedby").split(" ").map((id) => document.getElementById(id).textContent)).toContain(
      "Enter sends · Shift+Enter for a new line",
    );
    await user.type(box, "line one{Shift>}{Enter}{/Shift}line two");
    expect(box.value).toBe("line one\nline two");
    expect(net.calls.api.filter((c) => c.key === "POST /api/messages")).toEqual([]);
    await user.keyboard("{Enter}");
    await waitFor(() => expect(box.value).toBe(""));
    expect(net.calls.api.find((c) => c.key === "POST /api/messages").body).toEqual({ message: "line one\nline two", message_group_uuid: "g-1" });
    expect(document.activeElement).toBe(box);
    expect(screen.getByText("Message sent.")).toBeTruthy();
  });

  it("keeps Enter a newline in a crud", async () => {
    const user = userEvent.setup();
    const net = signedIn({ "GET /api/activities/home": () => page([]) });
    renderApp("/");
    const box = await screen.findByRole("textbox", { name: "What's happening?" });
    await user.type(box, "one{Enter}two");
    expect(box.value).toBe("one\ntwo");
    expect(net.calls.api.filter((c) => c.key === "POST /api/activities")).toEqual([]);
  });

  it("moves focus to the new page after a navigation", async () => {
    const user = userEvent.setup();
    signedIn({ "GET /api/activities/home": () => page([]), "GET /api/activities/notifications": () => page([]) });
    renderApp("/");
    await screen.findByRole("heading", { name: "Home" });
    await user.click(screen.getByRole("link", { name: "Notifications" }));
    await screen.findByRole("heading", { name: "Notifications" });
    expect(document.activeElement).toBe(screen.getByRole("main"));
  });
});
