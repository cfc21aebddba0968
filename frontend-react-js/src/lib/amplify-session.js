// Amplify's session half (configuration, tokens, sign-out): what every page needs, loaded by auth.js
// beside the first page instead of inside the first download.
export { Amplify } from "aws-amplify";
export { fetchAuthSession, signOut } from "aws-amplify/auth";
