import type * as Crypto from 'node:crypto';

// normaliseText lives in text.ts, apart from node:crypto: the parser and the linter need it. And
// node:crypto is loaded on first use, not with the module: every module of the CLI's bundle runs at
// start, and `lint` (which hashes nothing) would pay for loading it.
export { normaliseText } from './text';

let crypto: typeof Crypto | undefined;

/** SHA-256 hex of text that has already been normalised. */
export function checksum(normalisedText: string): string {
  // The one-shot form allocates no Hash object (Node 20.12+); thousands of files are hashed per run.
  const { createHash, hash } = (crypto ??= require('node:crypto') as typeof Crypto);
  return typeof hash === 'function' ? hash('sha256', normalisedText, 'hex') : createHash('sha256').update(normalisedText, 'utf8').digest('hex');
}
