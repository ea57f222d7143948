// A required field that says so when the technician leaves it empty (not before: an empty field being filled in is
// not a mistake), in words next to the field, announced, and tied to it for screen readers.
import { useId, useState } from 'react';

export interface Required {
  /** Spread on the input: marks it required, and invalid with the message once left empty. */
  inputProps: {
    'aria-required': true;
    'aria-invalid'?: true;
    'aria-describedby'?: string;
    onBlur(): void;
  };
  /** The message, when there is one to show; render it right after the input. */
  message: React.ReactNode;
  /** Shows the message now (the technician pressed on without filling the field in). */
  insist(): void;
}

/** `also`: ids the input is described by anyway (help text), kept before the message's. */
export function useRequired(value: string, says: string, also?: string): Required {
  const [left, setLeft] = useState(false);
  const id = useId();
  const show = left && value.trim() === '';
  const describedBy = [also, show ? id : undefined].filter(Boolean).join(' ');
  return {
    inputProps: {
      'aria-required': true,
      ...(show ? { 'aria-invalid': true as const } : {}),
      ...(describedBy ? { 'aria-describedby': describedBy } : {}),
      onBlur: () => setLeft(true),
    },
    message: show ? (
      <p id={id} className="field-error required-message" role="alert">
        Required: {says}
      </p>
    ) : null,
    insist: () => setLeft(true),
  };
}
