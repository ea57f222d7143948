// A place to drop files, with a real button for keyboard users and a labelled input for screen readers.
import { useId, useRef, useState } from 'react';

interface Props {
  label: string;
  prompt: string;
  accept: string;
  multiple?: boolean;
  disabled?: boolean;
  buttonText?: string;
  onFiles(files: File[]): void;
}

export function FileDrop({
  label,
  prompt,
  accept,
  multiple = false,
  disabled = false,
  buttonText = 'Choose files…',
  onFiles,
}: Props) {
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  const id = useId();

  const take = (list: FileList | null) => {
    const files = list ? Array.from(list) : [];
    if (files.length) onFiles(multiple ? files : files.slice(0, 1));
  };

  return (
    <div
      className={`drop-zone ${over ? 'over' : ''}`}
      onDragOver={(e) => {
        e.preventDefault();
        if (!disabled) setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        if (!disabled) take(e.dataTransfer.files);
      }}
    >
      <p className="drop-prompt">{prompt}</p>
      <button
        type="button"
        className="secondary"
        disabled={disabled}
        onClick={() => input.current?.click()}
        aria-describedby={`${id}-label`}
      >
        {buttonText}
      </button>
      <label id={`${id}-label`} htmlFor={id} className="visually-hidden">
        {label}
      </label>
      <input
        id={id}
        ref={input}
        type="file"
        className="visually-hidden"
        tabIndex={-1}
        accept={accept}
        multiple={multiple}
        disabled={disabled}
        onChange={(e) => {
          take(e.currentTarget.files);
          e.currentTarget.value = '';
        }}
      />
    </div>
  );
}
