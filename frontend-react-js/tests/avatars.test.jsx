// Avatars: the picture or the initials beside every crud, message and conversation and on the profile, and
// the owner changing theirs (uploading, processing, error). The API and the uploads bucket are scripted
// over fetch (tests/fakes.js); the components, the API client and the pages are the real code.
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import { Avatar } from "../src/components/Avatar.jsx";
import { initials, initialsColour } from "../src/lib/avatars.js";
import { deferred, fakeNetwork, json, seedSession, startApp, UPLOADS_URL } from "./fakes.js";
import { renderApp } from "./render.jsx";

const PICTURE = "https://avatars.test/u-alice/0a1b.webp";
const NEW_PICTURE = "https://avatars.test/u-alice/2c3d.webp";
const ALICE = { uuid: "u-alice", handle: "alice", display_name: "Alice Doe", bio: "", cruds_count: 1,
  created_at: "2026-11-01T00:00:00Z", avatar_url: null };
const crud = (over = {}) => ({
  uuid: "a-1", handle: "alice", display_name: "Alice Doe", message: "mine", replies_count: 0, reposts_count: 0,
  likes_count: 0, reply_to_activity_uuid: null, created_at: new Date(Date.now() - 60_000).toISOString(),
  expires_at: new Date(Date.now() + 3_600_000).toISOString(), avatar_url: null, ...over,
});
const POST = { upload_uuid: "up-1", url: UPLOADS_URL, fields: { key: "u-alice/up-1", "Content-Type": "image/png", policy: "p" },
  max_bytes: 5 * 1024 * 1024, expires_in: 300 };
const png = (bytes = 10) => new File([new Uint8Array(bytes)], "me.png", { type: "image/png" });

beforeEach(() => startApp());

function ownProfile(api = {}, uploads) {
  seedSession();
  return fakeNetwork({
    api: {
      "GET /api/me": () => ALICE,
      "GET /api/activities/@alice": () => ({ profile: ALICE, items: [crud()], next_cursor: null }),
      "POST /api/profile/avatar/uploads": () => json(201, POST),
      "POST /api/profile/avatar": () => ({ ...ALICE, avatar_url: NEW_PICTURE }),
      ...api,
    },
    uploads,
  });
}

describe("Avatar", () => {
  it("shows the picture when there is one, and the initials on the handle's colour when not", () => {
    render(<>
      <Avatar person={{ handle: "alice", display_name: "Alice Doe", avatar_url: PICTURE }} />
      <Avatar person={{ handle: "bob", display_name: "Bob", avatar_url: null }} />
    </>);
    const [picture, drawn] = screen.getAllByTestId("avatar");
    expect([picture.tagName, picture.getAttribute("src"), picture.getAttribute("alt")]).toEqual(["IMG", PICTURE, ""]);
    expect([drawn.tagName, drawn.textContent, drawn.getAttribute("aria-hidden")]).toEqual(["SPAN", "B", "true"]);
    expect(drawn.style.backgroundColor).not.toBe("");
  });

  it("falls back to the initials when the picture does not load", () => {
    render(<Avatar person={{ handle: "alice", display_name: "Alice Doe", avatar_url: PICTURE }} />);
    fireEvent.error(screen.getByTestId("avatar"));
    expect(screen.getByTestId("avatar").textContent).toBe("AD");
  });

  it("takes the first and last words' first letters, or the handle's, and one colour per handle", () => {
    expect(initials({ display_name: "Andrew  Brown", handle: "andrewbrown" })).toBe("AB");
    expect(initials({ display_name: "Jean Luc de la Barre", handle: "jl" })).toBe("JB");
    expect(initials({ display_name: "émile", handle: "e" })).toBe("É");
    expect(initials({ display_name: "🙂", handle: "smiley" })).toBe("S");
    expect(initials({ display_name: null, handle: null })).toBe("?");
    expect(initialsColour("Bayko")).toBe(initialsColour("bayko"));
    expect(initialsColour("bayko")).not.toBe(initialsColour("londo"));
    expect(initialsColour("bayko")).toMatch(/^hsl\(\d{1,3} 45% 30%\)$/);
  });
});

describe("Avatars beside what people write", () => {
  it("shows each author's picture beside their crud, message and conversation", async () => {
    seedSession();
    fakeNetwork({
      api: {
        "GET /api/me": () => ALICE,
        "GET /api/activities/home": () => ({ items: [crud({ avatar_url: PICTURE })], next_cursor: null }),
        "GET /api/message_groups": () => ({ items: [{ uuid: "g-1", handle: "bob", display_name: "Bob Roe", avatar_url: PICTURE,
          message: "hi", created_at: "2026-11-01T00:00:00Z" }], next_cursor: null }),
        "GET /api/messages/g-1": () => ({ items: [{ uuid: "m-1", handle: "bob", display_name: "Bob Roe", avatar_url: null,
          message: "hi there", created_at: "2026-11-01T00:00:00Z" }], next_cursor: null }),
      },
    });
    const router = renderApp("/");
    const article = (await screen.findByText("mine")).closest("article");
    expect(within(article).getByTestId("avatar").getAttribute("src")).toBe(PICTURE);

    await router.navigate("/messages");
    const conversation = await screen.findByRole("link", { name: /Bob Roe/ });
    expect(within(conversation).getByTestId("avatar").getAttribute("src")).toBe(PICTURE);

    await router.navigate("/messages/g-1");
    const message = (await screen.findByText("hi there")).closest("li");
    expect(within(message).getByTestId("avatar").textContent).toBe("BR");
  });
});

describe("Changing one's picture", () => {
  it("uploads the file with the signed fields, says what it is doing, and shows the new picture everywhere", async () => {
    const user = userEvent.setup();
    const processing = deferred();
    const net = ownProfile({ "POST /api/profile/avatar": () => processing.promise });
    renderApp("/@alice");

    await user.upload(await screen.findByLabelText("Change picture"), png());

    expect(await screen.findByText("Processing picture…")).toBeTruthy();
    expect(net.calls.api.find((c) => c.key === "POST /api/profile/avatar/uploads").body).toEqual({ content_type: "image/png" });
    const form = net.calls.uploads[0];
    expect([...form.keys()]).toEqual(["key", "Content-Type", "policy", "file"]);
    expect([form.get("key"), form.get("file").name]).toEqual(["u-alice/up-1", "me.png"]);
    processing.resolve(json(200, { ...ALICE, avatar_url: NEW_PICTURE }));

    await waitFor(() => expect(screen.queryByText("Processing picture…")).toBeNull());
    expect(net.calls.api.find((c) => c.key === "POST /api/profile/avatar").body).toEqual({ upload_uuid: "up-1" });
    expect(screen.getByTestId("profile-avatar").getAttribute("src")).toBe(NEW_PICTURE);
    const article = screen.getByText("mine").closest("article");
    expect(within(article).getByTestId("avatar").getAttribute("src")).toBe(NEW_PICTURE);
  });

  it("says it is uploading while the file is on its way", async () => {
    const user = userEvent.setup();
    const sent = deferred();
    ownProfile({}, () => sent.promise);
    renderApp("/@alice");
    await user.upload(await screen.findByLabelText("Change picture"), png());
    expect(await screen.findByText("Uploading picture…")).toBeTruthy();
    expect(screen.getByLabelText("Change picture").disabled).toBe(true);
    sent.resolve(new Response(null, { status: 204 }));
    await waitFor(() => expect(screen.queryByText(/picture…/)).toBeNull());
  });

  it("refuses a file of another type before anything is sent", async () => {
    const user = userEvent.setup({ applyAccept: false });
    const net = ownProfile();
    renderApp("/@alice");
    await user.upload(await screen.findByLabelText("Change picture"), new File(["GIF89a"], "me.gif", { type: "image/gif" }));
    expect((await screen.findByRole("alert")).textContent).toContain("Choose a JPEG, PNG or WebP picture.");
    expect(net.calls.api.filter((c) => c.key.startsWith("POST"))).toEqual([]);
  });

  it("refuses a file over the bucket's limit without sending it", async () => {
    const user = userEvent.setup();
    const net = ownProfile({ "POST /api/profile/avatar/uploads": () => json(201, { ...POST, max_bytes: 1024 * 1024 }) });
    renderApp("/@alice");
    await user.upload(await screen.findByLabelText("Change picture"), png(1024 * 1024 + 1));
    expect((await screen.findByRole("alert")).textContent).toContain("A picture may be 1 MB at most.");
    expect(net.calls.uploads).toEqual([]);
  });

  it("says so when the bucket refuses the upload, and keeps the old picture", async () => {
    const user = userEvent.setup();
    const net = ownProfile({}, () => new Response("<Error><Code>AccessDenied</Code></Error>", { status: 403 }));
    renderApp("/@alice");
    await user.upload(await screen.findByLabelText("Change picture"), png());
    expect((await screen.findByRole("alert")).textContent).toContain("The picture was refused (HTTP 403)");
    expect(net.calls.api.find((c) => c.key === "POST /api/profile/avatar")).toBeUndefined();
    expect(screen.getByTestId("profile-avatar").textContent).toBe("AD");
  });

  it("shows the API's words when it cannot read the picture", async () => {
    const user = userEvent.setup();
    ownProfile({ "POST /api/profile/avatar": () => json(400, { error: { code: "avatar_unreadable",
      message: "That file is not a JPEG, PNG or WebP picture we can read." } }) });
    renderApp("/@alice");
    await user.upload(await screen.findByLabelText("Change picture"), png());
    expect((await screen.findByRole("alert")).textContent).toContain("That file is not a JPEG, PNG or WebP picture we can read.");
    expect(screen.getByLabelText("Change picture").disabled).toBe(false);
  });

  it("is offered on one's own profile only", async () => {
    ownProfile({ "GET /api/activities/@bob": () => ({ profile: { ...ALICE, uuid: "u-bob", handle: "bob", display_name: "Bob Roe" },
      items: [], next_cursor: null }) });
    renderApp("/@bob");
    expect(await screen.findByRole("heading", { name: "Bob Roe" })).toBeTruthy();
    expect(screen.queryByLabelText("Change picture")).toBeNull();
  });
});
