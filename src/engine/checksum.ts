import { createHash, hash } from 'node:crypto';

/** Line endings normalised to LF, so a checkout on Windows does not look like drift. */
export function normaliseText(text: string): string {
  const noBom = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return noBom.includes('\r') ? noBom.replace(/\r\n?/g, '\n') : noBom;
}

/** SHA-256 hex of text that has already been normalised. */
export function checksum(normalisedText: string): string {
  // The one-shot form allocates no Hash object (Node 20.12+); thousands of files are hashed per run.
  return typeof hash === 'function' ? hash('sha256', normalisedText, 'hex') : createHash('sha256').update(normalisedText, 'utf8').digest('hex');
}
