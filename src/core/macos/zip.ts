// Lists the entries of a .zip from its central directory, so a plan can name the .pkg inside before extracting.
import { promises as fs } from 'node:fs';
import { OnboardError } from '../errors';

export interface ZipEntry {
  name: string;
  size: number;
  directory: boolean;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;

function damaged(): OnboardError {
  return new OnboardError(
    'installer-corrupt',
    'The .zip file is damaged or not a zip archive.',
    'Download the 1E Client archive again.',
  );
}

/** Where the end record is in `tail` (the last bytes of the file), or -1. */
function findEnd(tail: Buffer): number {
  // The end record is 22 bytes plus a comment of at most 65535 bytes.
  for (let i = tail.length - 22; i >= 0; i--) if (tail.readUInt32LE(i) === EOCD) return i;
  return -1;
}

function parseCentral(dir: Buffer, count: number): ZipEntry[] {
  const out: ZipEntry[] = [];
  let offset = 0;
  for (let n = 0; n < count; n++) {
    if (offset + 46 > dir.length || dir.readUInt32LE(offset) !== CENTRAL) throw damaged();
    const flags = dir.readUInt16LE(offset + 8);
    const size = dir.readUInt32LE(offset + 24);
    const nameLen = dir.readUInt16LE(offset + 28);
    const extraLen = dir.readUInt16LE(offset + 30);
    const commentLen = dir.readUInt16LE(offset + 32);
    const name = dir.subarray(offset + 46, offset + 46 + nameLen).toString(flags & 0x800 ? 'utf8' : 'latin1');
    out.push({ name, size, directory: name.endsWith('/') });
    offset += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

/** Entries of an archive held in memory. */
export function listZipEntries(zip: Buffer): ZipEntry[] {
  const start = Math.max(0, zip.length - 22 - 65535);
  const end = findEnd(zip.subarray(start));
  if (end < 0) throw damaged();
  const e = start + end;
  const count = zip.readUInt16LE(e + 10);
  const size = zip.readUInt32LE(e + 12);
  const offset = zip.readUInt32LE(e + 16);
  if (offset + size > zip.length) throw damaged();
  return parseCentral(zip.subarray(offset, offset + size), count);
}

/** Entries of an archive on disk, reading only its end (installers can be hundreds of MB). */
export async function listZipEntriesFromFile(path: string): Promise<ZipEntry[]> {
  const fh = await fs.open(path, 'r');
  try {
    const { size: fileSize } = await fh.stat();
    const tailLen = Math.min(fileSize, 22 + 65535);
    const tail = Buffer.alloc(tailLen);
    await fh.read(tail, 0, tailLen, fileSize - tailLen);
    const end = findEnd(tail);
    if (end < 0) throw damaged();
    const count = tail.readUInt16LE(end + 10);
    const size = tail.readUInt32LE(end + 12);
    const offset = tail.readUInt32LE(end + 16);
    if (offset + size > fileSize || size > 64 * 1024 * 1024) throw damaged();
    const dir = Buffer.alloc(size);
    await fh.read(dir, 0, size, offset);
    return parseCentral(dir, count);
  } finally {
    await fh.close();
  }
}
