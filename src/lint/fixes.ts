import type { LintMigration } from './migration';
import type { Edit } from './rule';

/**
 * Adds `notransaction` to a section's `-- +migrate Up|Down` line; null when it is already there.
 * goose takes no option after Up: its file gets `-- +goose NO TRANSACTION` (both sections) under Up.
 */
export function notransactionEdit(m: LintMigration, section: 'up' | 'down'): Edit | null {
  const s = section === 'up' ? m.up : m.down;
  if (!s || s.noTransaction) return null;
  if (m.up && /^--[ \t]*\+goose\b/i.test(m.text.slice(m.up.directiveOffset, m.up.directiveEnd))) {
    return { offset: m.up.directiveEnd, length: 0, text: '\n-- +goose NO TRANSACTION' };
  }
  let end = s.directiveEnd;
  while (end > s.directiveOffset && (m.text[end - 1] === ' ' || m.text[end - 1] === '\t')) end--;
  return { offset: end, length: 0, text: ' notransaction' };
}

export function insert(offset: number, text: string): Edit {
  return { offset, length: 0, text };
}
