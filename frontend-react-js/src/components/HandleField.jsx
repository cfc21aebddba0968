// The handle field of Sign up and of choosing another handle: one pattern (the API's) and one hint.
import { HANDLE_PATTERN } from "../lib/users.js";
import { Field } from "./Field.jsx";

export function HandleField() {
  return (
    <Field
      label="Handle"
      name="handle"
      autoComplete="username"
      hint="Letters, numbers and underscores; people will find you as @handle."
      pattern={`@?${HANDLE_PATTERN}`}
      required
    />
  );
}

/** What was typed in a HandleField, without the "@" people may put before it. */
export const handleFrom = (form) => form.get("handle").trim().replace(/^@/, "");
