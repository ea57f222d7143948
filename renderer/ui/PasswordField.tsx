// The one password field: a label and a password input whose text lives only in the screen's own state until it is
// sent (it never enters the store).
import type { Ref } from 'react';

export function PasswordField({
  id,
  label,
  value,
  onChange,
  inputRef,
  autoComplete = 'off',
  disabled = false,
  invalid,
  describedBy,
  maxLength,
  required = false,
  onBlur,
}: {
  id: string;
  label: string;
  value: string;
  onChange(value: string): void;
  inputRef?: Ref<HTMLInputElement>;
  autoComplete?: 'off' | 'new-password';
  disabled?: boolean;
  invalid?: boolean;
  describedBy?: string | undefined;
  maxLength?: number;
  /** Said to screen readers; the message for an empty field is the caller's (ui/required). */
  required?: boolean;
  onBlur?(): void;
}) {
  return (
    <>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        ref={inputRef}
        type="password"
        autoComplete={autoComplete}
        maxLength={maxLength}
        value={value}
        disabled={disabled}
        aria-invalid={invalid}
        aria-describedby={describedBy}
        aria-required={required || undefined}
        onBlur={onBlur}
        onChange={(e) => onChange(e.currentTarget.value)}
      />
    </>
  );
}
