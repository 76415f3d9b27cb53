import { relName } from '../migration';
import type { Rule } from '../rule';

export const rule: Rule = {
  meta: {
    id: 'renaming-table',
    description: 'table renamed while an application may still read it',
    severity: 'warning',
    sections: ['up'],
    explanation:
      'Every query of the running application that names the old table fails from the moment the rename commits, and a deploy ' +
      'always has old code running for a while.',
    fix: 'Rename it and leave a view with the old name (CREATE VIEW old AS SELECT * FROM new) until no code uses it, then drop the view.',
  },
  check(stmt, ctx) {
    if (stmt.kind !== 'RenameStmt' || stmt.node.renameType !== 'OBJECT_TABLE') return;
    const table = relName(stmt.node.relation);
    if (stmt.createdBefore.has(table)) return;
    ctx.report({ statement: stmt, message: `renaming table "${table}" to "${stmt.node.newname}" breaks code that still uses the old name` });
  },
};
