// A labelled input: the label is always visible and tied to the input, hints are announced with it.
import { useId } from "react";

export function Field({ label, hint, ...input }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {input.type === "textarea" ? (
        <textarea id={id} aria-describedby={hint ? `${id}-hint` : undefined} {...input} type={undefined} />
      ) : (
        <input id={id} aria-describedby={hint ? `${id}-hint` : undefined} {...input} />
      )}
      {hint && (
        <small id={`${id}-hint`} className="hint">
          {hint}
        </small>
      )}
    </div>
  );
}
