// The only module that talks to Cognito (through Amplify v6's auth category).
import { Amplify } from "aws-amplify";
import {
  confirmResetPassword,
  confirmSignUp,
  fetchAuthSession,
  resendSignUpCode,
  resetPassword,
  signIn,
  signOut,
  signUp,
} from "aws-amplify/auth";

export function configureAuth(cfg) {
  Amplify.configure({
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
  return signUp({
    username: email,
    password,
    options: { userAttributes: { email, name, preferred_username: handle } },
  });
}

export const confirmRegistration = (email, code) => confirmSignUp({ username: email, confirmationCode: code });
export const resendCode = (email) => resendSignUpCode({ username: email });

/** Returns "signedIn" or "confirmSignUp" (an unconfirmed user must confirm first). */
export async function logIn(email, password, { afterStaleSession = false } = {}) {
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

export const requestPasswordReset = (email) => resetPassword({ username: email });
export const setNewPassword = ({ email, code, password }) =>
  confirmResetPassword({ username: email, confirmationCode: code, newPassword: password });

/** Amplify's errors carry a human message; anything else gets a generic one. */
export function authErrorMessage(err) {
  return err?.message || "Something went wrong talking to the sign-in service. Try again.";
}

export const amplifySession = { accessToken, signOut: endSession };
