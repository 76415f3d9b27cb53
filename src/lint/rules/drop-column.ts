import { alterTableCmds, isNewTable } from '../ast';
import type { Rule } from '../rule';

export const rule: Rule = {
  meta: {
    id: 'drop-column',
    description: 'DROP COLUMN in an Up',
    severity: 'error',
    sections: ['up'],
    explanation:
      'Dropping a column deletes its data for good, and every query of the running application that names the column ' +
      '(an INSERT listing it, a SELECT of it) fails from that moment. In a Down it is the point, so Down sections are not checked.',
    fix:
      'Stop reading and writing the column in the application first (deploy that), then drop it in a later migration with ' +
      '`-- migrate-lens-ignore drop-column` on the statement.',
  },
  check(stmt, ctx) {
    const alter = alterTableCmds(stmt);
    if (!alter || isNewTable(stmt, alter.table)) return;
    for (const cmd of alter.cmds) {
      if (cmd.subtype !== 'AT_DropColumn') continue;
      ctx.report({ statement: stmt, message: `dropping column "${alter.table}"."${cmd.name}" deletes its data and breaks code that still uses it` });
    }
  },
};
