// Who is signed in, for every page: Cognito says whether there is a session, the API's /api/me says
// who that is in Cruddur (handle, display name), so navigation can link to the user's own profile.
// When the API cannot answer (unreachable, 5xx, 429) the person is still signed in: they are shown as
// Cognito's ID token names them (`user.fromToken`), each page shows its own error with a retry, and
// /api/me is asked again after the next answer the API gives. Only a 401 the client could not mend
// (the API client signs out then) makes them signed out. The token's identity is also what the page
// starts with, before /api/me answers, so what only signed-in people see (the composer) is there when
// the feed arrives, not pushed in above it a moment later.
// One refusal is not a dead end: when /api/me answers `handle_taken` (someone took the handle between
// sign-up's check and this first sign-in), the person stays signed in to Cognito as "choosingHandle", and
// the layout takes them to choose another (ChooseHandlePage) before anything else.
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState } from "react";
import { apiClient } from "./api-client.js";
import { endSession, signedInIdentity } from "./auth.js";
import { me } from "./users.js";

const SessionContext = createContext(null);
const TRANSIENT = new Set(["unreachable", "server", "rateLimited"]);

export function SessionProvider({ children }) {
  const [state, setState] = useState({ status: "loading", user: null, notice: null });
  const userFromToken = useRef(false);
  const asking = useRef(false);

  /** Ask Cognito and the API again; resolves to the new state ({ status, user, ... }). */
  const reload = useCallback(async () => {
    asking.current = true;
    const settle = (next) => {
      userFromToken.current = Boolean(next.user?.fromToken);
      setState(next);
      return next;
    };
    let identity = null;
    try {
      identity = await signedInIdentity().catch(() => null);
      if (!identity) return settle({ status: "signedOut", user: null, notice: null });
      // Keep the API's profile of this same person while it is asked again; a token's only stands in.
      setState((s) => (s.user?.handle === identity.handle ? s : { status: "signedIn", user: identity, notice: null }));
      return settle({ status: "signedIn", user: await profileOr(identity), notice: null });
    } catch (err) {
      if (err.code === "handle_taken") {
        return settle({ status: "choosingHandle", user: null, notice: null, takenHandle: identity.handle });
      }
      // What the API refused (a session it would not take, a profile it will not make): said once, here.
      settle({ status: "signedOut", user: null, notice: err.message });
      throw err;
    } finally {
      asking.current = false;
    }
  }, []);

  useEffect(() => {
    // A failure is already shown through `notice`; nobody else awaits this first load. reload() sets
    // state only after awaiting Cognito, never synchronously inside the effect.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    reload().catch(() => {});
  }, [reload]);

  useEffect(
    () =>
      apiClient.onSessionEnded((ended) => {
        userFromToken.current = false;
        setState({ status: "signedOut", user: null, notice: ended.message });
      }),
    [],
  );

  useEffect(
    () =>
      apiClient.onAnswer(() => {
        if (userFromToken.current && !asking.current) reload().catch(() => {});
      }),
    [reload],
  );

  const signOut = useCallback(async () => {
    await endSession();
    userFromToken.current = false;
    setState({ status: "signedOut", user: null, notice: null });
  }, []);

  const setUser = useCallback((user) => setState((s) => ({ ...s, user })), []);

  const value = useMemo(() => ({ ...state, reload, signOut, setUser }), [state, reload, signOut, setUser]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

async function profileOr(identity) {
  try {
    return await me();
  } catch (err) {
    // The API being away is no reason to sign anyone out; what it refuses (a 401 it kept, a 4xx) is.
    if (TRANSIENT.has(err.kind)) return identity;
    throw err;
  }
}

export function useSession() {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession must be used inside <SessionProvider>");
  return session;
}
