import { createHash, hash } from 'node:crypto';

// normaliseText lives in text.ts, apart from node:crypto: the parser and the linter need it, and
// loading node:crypto costs `lint` about 20 ms of a 250 ms run.
export { normaliseText } from './text';

/** SHA-256 hex of text that has already been normalised. */
export function checksum(normalisedText: string): string {
  // The one-shot form allocates no Hash object (Node 20.12+); thousands of files are hashed per run.
  return typeof hash === 'function' ? hash('sha256', normalisedText, 'hex') : createHash('sha256').update(normalisedText, 'utf8').digest('hex');
}
