// Files in and out of the renderer: read a picked or dropped file as base64 for main, and hand the technician a file
// (main's, or text the renderer holds) as a download, through a Blob: no path crosses to main.
import type { IpcError } from '../../src/shared/contract';

/** No certificate, key or .pfx file is larger (the core's limit too). */
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

export interface Upload {
  fileName: string;
  base64: string;
}

function bytesToBase64(bytes: Uint8Array): string {
  let out = '';
  // Chunks keep String.fromCharCode's argument list small for multi-megabyte files.
  for (let i = 0; i < bytes.length; i += 0x8000) out += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(out);
}

// FileReader rather than Blob.arrayBuffer: the same code then runs in the component tests' jsdom.
function readBytes(file: File): Promise<ArrayBuffer> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result as ArrayBuffer);
    reader.onerror = () => reject(reader.error ?? new Error(`Cannot read ${file.name}`));
    reader.readAsArrayBuffer(file);
  });
}

/** Reads a file for sending to main, refusing anything larger than a certificate file can be. */
export async function readUpload(
  file: File,
  maxBytes: number,
): Promise<{ ok: true; value: Upload } | { ok: false; error: IpcError }> {
  if (file.size > maxBytes) {
    return {
      ok: false,
      error: {
        code: 'file-too-large',
        message: `${file.name} is ${(file.size / 1048576).toFixed(1)} MB; certificate files are never larger than ${maxBytes / 1048576} MB.`,
        hint: 'This is probably not a certificate, key or .pfx file. Check that you picked the right file.',
      },
    };
  }
  if (file.size === 0) {
    return {
      ok: false,
      error: {
        code: 'empty-file',
        message: `${file.name} is empty.`,
        hint: 'The export or download probably failed: ask for the file again.',
      },
    };
  }
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readBytes(file));
  } catch {
    return {
      ok: false,
      error: {
        code: 'file-unreadable',
        message: `${file.name} cannot be read.`,
        hint: 'Check that the file is still there and that you may open it, then pick it again.',
      },
    };
  }
  return {
    ok: true,
    value: { fileName: file.name.replace(/[/\\]/g, '_').slice(0, 255), base64: bytesToBase64(bytes) },
  };
}

/** Offers bytes or text as a file to save (a download in the preview; the desktop app asks where to save it). */
export function download(fileName: string, mimeType: string, content: BlobPart, doc: Document = document): void {
  const url = URL.createObjectURL(new Blob([content], { type: mimeType }));
  const link = doc.createElement('a');
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  doc.body.appendChild(link);
  try {
    link.click();
  } finally {
    link.remove();
    // The download has taken its copy once click() returns; a delay keeps slow browsers safe.
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
}
