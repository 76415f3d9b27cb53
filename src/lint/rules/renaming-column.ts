import { relName } from '../migration';
import type { Rule } from '../rule';

export const rule: Rule = {
  meta: {
    id: 'renaming-column',
    description: 'column renamed while an application may still read it',
    severity: 'warning',
    sections: ['up'],
    explanation:
      'During a deploy the old version of the application keeps running for a while; every query it sends with the old column name ' +
      'fails from the moment the rename commits.',
    fix: 'Add the new column, write to both, backfill, move the readers, and drop the old column in a later migration (or use a view for the transition).',
  },
  check(stmt, ctx) {
    if (stmt.kind !== 'RenameStmt' || stmt.node.renameType !== 'OBJECT_COLUMN') return;
    const table = relName(stmt.node.relation);
    if (stmt.createdBefore.has(table)) return;
    ctx.report({
      statement: stmt,
      message: `renaming column "${table}"."${stmt.node.subname}" to "${stmt.node.newname}" breaks code that still uses the old name`,
    });
  },
};
