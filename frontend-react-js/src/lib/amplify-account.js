// Amplify's account calls (sign up, confirm, sign in with SRP, passwords, the handle): most of Amplify's
// code and only needed when a form is sent, so auth.js loads them then.
export {
  confirmResetPassword,
  confirmSignUp,
  resendSignUpCode,
  resetPassword,
  signIn,
  signUp,
  updateUserAttributes,
} from "aws-amplify/auth";
