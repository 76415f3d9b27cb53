import { droppedName } from '../ast';
import type { Rule } from '../rule';

export const rule: Rule = {
  meta: {
    id: 'drop-table',
    description: 'DROP TABLE in an Up',
    severity: 'error',
    sections: ['up'],
    explanation:
      'A DROP TABLE in an Up deletes data that no Down can bring back, and code that still reads the table fails at once. ' +
      'In a Down it is the point (undoing a CREATE TABLE), so Down sections are not checked.',
    fix:
      'Stop using the table in the application first, keep a backup or rename it for a release, then drop it and say so with ' +
      '`-- migrate-lens-ignore drop-table` on the statement.',
  },
  check(stmt, ctx) {
    if (stmt.kind !== 'DropStmt' || stmt.node.removeType !== 'OBJECT_TABLE') return;
    const names = ((stmt.node.objects ?? []) as Record<string, unknown>[]).map((o) => droppedName(o));
    const kept = names.filter((n) => !stmt.createdBefore.has(n.split('.').pop()!));
    if (!kept.length) return;
    ctx.report({ statement: stmt, message: `DROP TABLE ${kept.map((n) => `"${n}"`).join(', ')} deletes its data for good; no Down can restore it` });
  },
};
