// The loading, empty and error states every page shows in the same way.
export function Loading({ label = "Loading…" }) {
  return (
    <p className="state state-loading" role="status">
      {label}
    </p>
  );
}

export function Empty({ children }) {
  return <p className="state state-empty">{children}</p>;
}

export function ErrorNotice({ error, onRetry }) {
  if (!error) return null;
  return (
    <div className="state state-error" role="alert">
      <p>{typeof error === "string" ? error : error.message}</p>
      {onRetry && (
        <button type="button" className="button-secondary" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}
