import { relName } from '../migration';
import type { Rule } from '../rule';

export const rule: Rule = {
  meta: {
    id: 'update-or-delete-without-where',
    description: 'UPDATE or DELETE without WHERE',
    severity: 'error',
    sections: ['up'],
    explanation:
      'An UPDATE or DELETE without WHERE touches every row of the table in one transaction: it locks them all until the migration ' +
      'commits, bloats the table, and is rarely what was meant. A Down that empties what its Up inserted is not checked.',
    fix: 'Add the WHERE that says which rows you mean; for a backfill of a large table, update it in batches of a few thousand rows.',
  },
  check(stmt, ctx) {
    if ((stmt.kind !== 'UpdateStmt' && stmt.kind !== 'DeleteStmt') || stmt.node.whereClause) return;
    const table = relName(stmt.node.relation);
    if (stmt.createdBefore.has(table)) return;
    const verb = stmt.kind === 'UpdateStmt' ? 'UPDATE' : 'DELETE';
    ctx.report({ statement: stmt, message: `${verb} of "${table}" without WHERE changes every row in one transaction` });
  },
};
