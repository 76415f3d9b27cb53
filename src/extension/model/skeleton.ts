// The `migrate` completion: a whole migration skeleton. It comes from the extension (not the static
// snippets file) so its Created: line can say the time in UTC like Create Migration's template,
// and so it is preselected over the plain word "migrate" from open files.
const pad = (n: number) => String(n).padStart(2, '0');

/** `2024-01-02 03:04:05 UTC`. */
export function utcStamp(now: Date): string {
  return `${now.getUTCFullYear()}-${pad(now.getUTCMonth() + 1)}-${pad(now.getUTCDate())} ${pad(now.getUTCHours())}:${pad(now.getUTCMinutes())}:${pad(now.getUTCSeconds())} UTC`;
}

export const SKELETON_PREFIX = 'migrate';

/** Snippet syntax (TextMate): tab stops 1-3, $0 at the end. */
export function skeletonSnippet(now: Date): string {
  return [
    '-- +migrate Up',
    '-- Description: ${1:what this migration does}',
    `-- Created: ${utcStamp(now)}`,
    '${2:CREATE TABLE example (',
    '  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY',
    ');}',
    '',
    '-- +migrate Down',
    '-- Rollback: undo "${1}"',
    '${3:DROP TABLE example;}',
    '$0',
  ].join('\n');
}
