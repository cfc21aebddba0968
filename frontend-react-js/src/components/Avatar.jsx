import { useState } from "react";
import { initials, initialsColour } from "../lib/avatars.js";

/**
 * A person's picture: their avatar when they have one, else their initials on a colour of their own (the
 * same handle always gets the same colour). Decorative: their name is always written beside it.
 */
export function Avatar({ person, size = "small" }) {
  // A picture that does not load (a URL gone, a blocked host) falls back to the initials, not a broken icon.
  const [failedUrl, setFailedUrl] = useState(null);
  const url = person.avatar_url && person.avatar_url !== failedUrl ? person.avatar_url : null;
  const className = `avatar avatar-${size}`;
  // The profile's own picture is told apart from those beside its cruds.
  const testId = size === "large" ? "profile-avatar" : "avatar";
  if (url) {
    return (
      <img className={className} src={url} alt="" loading="lazy" decoding="async" data-testid={testId}
        onError={() => setFailedUrl(url)} />
    );
  }
  return (
    <span className={`${className} avatar-initials`} style={{ backgroundColor: initialsColour(person.handle) }}
      aria-hidden="true" data-testid={testId}>
      {initials(person)}
    </span>
  );
}
