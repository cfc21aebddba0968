import { useState } from "react";
import { Link, useParams } from "react-router";
import { handleFromSegment, routes } from "../app/routes.js";
import { ActivityFeed } from "../components/ActivityFeed.jsx";
import { Avatar } from "../components/Avatar.jsx";
import { AvatarChange } from "../components/AvatarChange.jsx";
import { Field } from "../components/Field.jsx";
import { NotFound } from "../components/NotFound.jsx";
import { ErrorNotice, Loading } from "../components/PageState.jsx";
import { userActivities } from "../lib/activities.js";
import { useSession } from "../lib/session.jsx";
import { usePaged } from "../lib/use-paged.js";
import { MAX_BIO_LENGTH, MAX_DISPLAY_NAME_LENGTH, updateProfile } from "../lib/users.js";

export default function UserPage() {
  const handle = handleFromSegment(useParams().handle);
  const session = useSession();
  const [profile, setProfile] = useState(null);
  const feed = usePaged(
    async (cursor) => {
      if (!handle) return { items: [], next_cursor: null };
      const page = await userActivities(handle, { cursor });
      if (page.profile) setProfile(page.profile);
      return page;
    },
    [handle],
  );
  const [editing, setEditing] = useState(false);

  if (!handle) return <NotFound />;
  const own = session.status === "signedIn" && session.user.handle === handle;

  return (
    <section className="page" aria-labelledby="profile-title">
      {feed.status === "loading" && <Loading label="Loading profile…" />}
      {feed.status === "error" && <ErrorNotice error={feed.error} onRetry={feed.retry} />}
      {feed.status === "ready" && profile && (
        <>
          <header className="profile">
            <Avatar person={profile} size="large" />
            <h1 id="profile-title">{profile.display_name}</h1>
            <p className="handle">@{profile.handle}</p>
            {profile.bio ? <p className="bio">{profile.bio}</p> : <p className="bio muted">No bio yet.</p>}
            <p className="muted">
              {profile.cruds_count} {profile.cruds_count === 1 ? "crud" : "cruds"}
            </p>
            <div className="profile-actions">
              {own && (
                <AvatarChange
                  onChanged={(saved) => {
                    setProfile((p) => ({ ...p, avatar_url: saved.avatar_url }));
                    session.setUser({ ...session.user, avatar_url: saved.avatar_url });
                    // The cruds already listed carry the picture they were fetched with: show the new one now.
                    feed.update((item) => (item.handle === saved.handle ? { ...item, avatar_url: saved.avatar_url } : item));
                  }}
                />
              )}
              {own && !editing && (
                <button type="button" onClick={() => setEditing(true)}>
                  Edit profile
                </button>
              )}
              {session.status === "signedIn" && !own && (
                <Link className="button-link" to={routes.newConversation.link(profile.handle)}>
                  Message @{profile.handle}
                </Link>
              )}
            </div>
          </header>
          {own && editing && (
            <ProfileForm
              profile={profile}
              onSaved={(saved) => {
                setProfile((p) => ({ ...p, ...saved }));
                session.setUser({ ...session.user, ...saved });
                // The cruds already listed carry the name they were fetched with: show the new one now.
                feed.update((item) => (item.handle === saved.handle ? { ...item, display_name: saved.display_name } : item));
                setEditing(false);
              }}
              onCancel={() => setEditing(false)}
            />
          )}
          <ActivityFeed feed={feed} heading="Cruds" empty={`@${profile.handle} has no live cruds.`} />
        </>
      )}
    </section>
  );
}

function ProfileForm({ profile, onSaved, onCancel }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);

  async function save(event) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    try {
      onSaved(await updateProfile({ display_name: form.get("display_name"), bio: form.get("bio") }));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  return (
    <form className="card" onSubmit={save} aria-labelledby="edit-profile-title">
      <h2 id="edit-profile-title">Edit profile</h2>
      <Field label="Display name" name="display_name" defaultValue={profile.display_name} maxLength={MAX_DISPLAY_NAME_LENGTH} required />
      <Field label="Bio" name="bio" type="textarea" rows={3} defaultValue={profile.bio ?? ""} maxLength={MAX_BIO_LENGTH} />
      <ErrorNotice error={error} />
      <div className="form-actions">
        <button type="submit" disabled={busy}>
          {busy ? "Saving…" : "Save profile"}
        </button>
        <button type="button" className="button-secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
