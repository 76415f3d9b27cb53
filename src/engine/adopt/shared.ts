// What the per-tool readers share: reading a folder's files, and the name part a renamed file keeps.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { normaliseText } from '../checksum';
import { AdoptError } from '../errors';

/** A file's text, LF line endings; a file that is not UTF-8 text stops adopt naming it. */
export function readSource(dir: string, fileName: string): string {
  const path = join(dir, fileName);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new AdoptError(`${path}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new AdoptError(`${path}: not valid UTF-8 text; save the file as UTF-8 first`);
  }
  return normaliseText(text);
}

/** A name part our file names accept: letters, digits, `_` and `-`; anything else becomes `_`. */
export function safeName(raw: string): string {
  const name = raw.replace(/[^A-Za-z0-9_-]+/g, '_').replace(/^[_-]+|[_-]+$/g, '');
  return name || 'migration';
}

/** Numbers of any length, compared as numbers (leading zeros ignored). */
export function compareNumbers(a: string, b: string): number {
  const x = a.replace(/^0+(?=\d)/, '');
  const y = b.replace(/^0+(?=\d)/, '');
  return x.length - y.length || (x < y ? -1 : x > y ? 1 : 0);
}

/** Our version for a number taken from a name: a 14-digit one is ours as it is; others need --rename. */
export function versionOf(digits: string): string | null {
  return /^\d{14}$/.test(digits) ? digits : null;
}

/** Epoch milliseconds (as the queries return them) → Date. */
export function toDate(v: unknown): Date | null {
  if (v === null || v === undefined) return null;
  const n = Number(v);
  return Number.isFinite(n) ? new Date(Math.round(n)) : null;
}
