// Who is signed in, for every page: Cognito says whether there is a session, the API's /api/me says
// who that is in Cruddur (handle, display name), so navigation can link to the user's own profile.
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from "react";
import { apiClient } from "./api-client.js";
import { accessToken, endSession } from "./auth.js";
import { me } from "./users.js";

const SessionContext = createContext(null);

export function SessionProvider({ children }) {
  const [state, setState] = useState({ status: "loading", user: null, notice: null });

  const reload = useCallback(async () => {
    try {
      const user = await loadSession();
      setState({ status: user ? "signedIn" : "signedOut", user, notice: null });
      return user;
    } catch (err) {
      setState({ status: "signedOut", user: null, notice: err.message });
      throw err;
    }
  }, []);

  useEffect(() => {
    // A failure is already shown through `notice`; nobody else awaits this first load. reload() sets
    // state only after awaiting Cognito, never synchronously inside the effect.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    reload().catch(() => {});
  }, [reload]);

  useEffect(
    () => apiClient.onSessionEnded((ended) => setState({ status: "signedOut", user: null, notice: ended.message })),
    [],
  );

  const signOut = useCallback(async () => {
    await endSession();
    setState({ status: "signedOut", user: null, notice: null });
  }, []);

  const setUser = useCallback((user) => setState((s) => ({ ...s, user })), []);

  const value = useMemo(() => ({ ...state, reload, signOut, setUser }), [state, reload, signOut, setUser]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

async function loadSession() {
  const token = await accessToken().catch(() => null);
  return token ? me() : null;
}

export function useSession() {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession must be used inside <SessionProvider>");
  return session;
}
