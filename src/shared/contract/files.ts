// Files crossing the contract: uploads (a name and base64 bytes, never a path) and files handed back for saving.
import { z } from 'zod';

/** A file handed to the renderer for saving (a download in the preview). */
export interface DownloadFile {
  fileName: string;
  mimeType: string;
  base64: string;
}

// A certificate file is never above 10 MB (the core's limit); base64 makes it 4/3 larger.
const MAX_BASE64 = 14_000_000;
const fileName = z
  .string()
  .min(1)
  .max(255)
  .refine((n) => !/[\0/\\]/.test(n), 'a file name, not a path');

/** A file the technician picked or dropped, read by the renderer. */
export const upload = z
  .object({
    fileName,
    base64: z
      .string()
      .max(MAX_BASE64)
      .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64'),
  })
  .strict();
