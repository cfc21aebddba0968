// The only module that talks to Cognito (through Amplify v6's auth category). Amplify is more code than
// React and the router together, and no page paints sooner for having it, so it is not in the first
// download: its session half loads beside the first page (amplify-session.js), its account calls when a
// form is sent (amplify-account.js). Every function here is async either way.

// Asked for as the app starts, so it downloads beside the first page rather than after /config.json.
const sessionModule = import("./amplify-session.js");
let configured = null;

/** Configure Amplify once its session half is here; the promise settles then (main.jsx need not wait). */
export function configureAuth(cfg) {
  configured = sessionModule.then((amplify) => {
    amplify.Amplify.configure({
      Auth: {
        Cognito: {
          userPoolId: cfg.userPoolId,
          userPoolClientId: cfg.userPoolClientId,
          // Set only for the local emulator; real AWS is found from the pool id's region.
          ...(cfg.cognitoEndpoint && { userPoolEndpoint: cfg.cognitoEndpoint }),
          loginWith: { email: true },
        },
      },
    });
    return amplify;
  });
  return configured;
}

function amplifySessionCalls() {
  if (!configured) throw new Error("Cognito used before configureAuth");
  return configured;
}

async function amplifyAccountCalls() {
  await amplifySessionCalls(); // configured first
  return import("./amplify-account.js");
}

async function fetchAuthSession(options) {
  return (await amplifySessionCalls()).fetchAuthSession(options);
}

async function signOut(options) {
  return (await amplifySessionCalls()).signOut(options);
}

/**
 * The caller's access token, or null when nobody is signed in. fetchAuthSession refreshes an
 * expired token first, so whoever awaits this never sends a stale one.
 */
export async function accessToken({ forceRefresh = false } = {}) {
  const session = await fetchAuthSession({ forceRefresh });
  return session.tokens?.accessToken?.toString() ?? null;
}

/**
 * Who is signed in as Cognito's ID token says (handle and name), or null without a session: enough to
 * show people as themselves while the API cannot answer /api/me.
 */
export async function signedInIdentity() {
  const claims = (await fetchAuthSession()).tokens?.idToken?.payload;
  if (!claims) return null;
  return { handle: claims.preferred_username ?? null, display_name: claims.name ?? claims.email ?? "", fromToken: true };
}

export async function endSession() {
  try {
    await signOut();
  } catch {
    // A revoke that fails (network, expired refresh token) must not keep the user signed in here:
    // the local sign-out below still clears the tokens Amplify stored.
    await signOut({ global: false }).catch(() => {});
  }
}

export async function register({ email, password, name, handle }) {
  const { signUp } = await amplifyAccountCalls();
  return signUp({
    username: email,
    password,
    options: { userAttributes: { email, name, preferred_username: handle } },
  });
}

export async function confirmRegistration(email, code) {
  const { confirmSignUp } = await amplifyAccountCalls();
  return confirmSignUp({ username: email, confirmationCode: code });
}

export async function resendCode(email) {
  const { resendSignUpCode } = await amplifyAccountCalls();
  return resendSignUpCode({ username: email });
}

/** Returns "signedIn" or "confirmSignUp" (an unconfirmed user must confirm first). */
export async function logIn(email, password, { afterStaleSession = false } = {}) {
  const { signIn } = await amplifyAccountCalls();
  try {
    const { isSignedIn, nextStep } = await signIn({ username: email, password });
    if (isSignedIn) return "signedIn";
    if (nextStep?.signInStep === "CONFIRM_SIGN_UP") return "confirmSignUp";
    throw new Error(`Sign-in needs a step this app does not offer (${nextStep?.signInStep}).`);
  } catch (err) {
    if (err?.name === "UserNotConfirmedException") return "confirmSignUp";
    if (err?.name === "UserAlreadyAuthenticatedException" && !afterStaleSession) {
      // Tokens of an earlier user are still stored (e.g. a session the API rejected): drop them once.
      await endSession();
      return logIn(email, password, { afterStaleSession: true });
    }
    throw err;
  }
}

/**
 * Give the signed-in person another handle: Cognito's `preferred_username`, which the API reads when it
 * makes their Cruddur user at their first call. The tokens are renewed so the ID token names it too.
 */
export async function changeHandle(handle) {
  const { updateUserAttributes } = await amplifyAccountCalls();
  await updateUserAttributes({ userAttributes: { preferred_username: handle } });
  await fetchAuthSession({ forceRefresh: true });
}

export async function requestPasswordReset(email) {
  const { resetPassword } = await amplifyAccountCalls();
  return resetPassword({ username: email });
}

export async function setNewPassword({ email, code, password }) {
  const { confirmResetPassword } = await amplifyAccountCalls();
  return confirmResetPassword({ username: email, confirmationCode: code, newPassword: password });
}

/** Amplify's errors carry a human message; anything else gets a generic one. */
export function authErrorMessage(err) {
  return err?.message || "Something went wrong talking to the sign-in service. Try again.";
}

export const amplifySession = { accessToken, signOut: endSession };
