import type { LintStatement } from '../migration';
import { relName } from '../migration';
import type { Rule } from '../rule';

/** Statements that take a lock on an existing table that queues every later query behind it. */
function locksExistingTable(stmt: LintStatement): string | null {
  const n = stmt.node;
  switch (stmt.kind) {
    case 'AlterTableStmt':
      return n.objtype === 'OBJECT_TABLE' && !stmt.createdBefore.has(relName(n.relation)) ? relName(n.relation) : null;
    case 'RenameStmt':
      return (n.renameType === 'OBJECT_TABLE' || n.renameType === 'OBJECT_COLUMN') && !stmt.createdBefore.has(relName(n.relation)) ? relName(n.relation) : null;
    case 'CreateTrigStmt':
      return n.relation && !stmt.createdBefore.has(relName(n.relation)) ? relName(n.relation) : null;
    case 'IndexStmt':
      return !n.concurrent && !stmt.createdBefore.has(relName(n.relation)) ? relName(n.relation) : null;
    default:
      return null;
  }
}

function setsLockTimeout(stmt: LintStatement): boolean {
  return stmt.kind === 'VariableSetStmt' && stmt.node.name === 'lock_timeout';
}

export const rule: Rule = {
  meta: {
    id: 'missing-lock-timeout',
    description: 'DDL on an existing table with no lock timeout, where the run sets none',
    severity: 'warning',
    sections: ['up'],
    explanation:
      'An ALTER TABLE waits for its lock behind any long transaction on the table, and while it waits every other query on the table ' +
      'queues behind it: a one-millisecond change becomes an outage. A lock_timeout makes it give up instead, and the run can retry. ' +
      'migrate-lens sets one for every migration (`--ddl-lock-timeout`, default 5s), so this reports only when that is turned off and ' +
      'the migration sets none itself.',
    fix: 'Keep `migrations.ddl_lock_timeout` on (the default), or begin the migration with SET lock_timeout = \'5s\'.',
  },
  check() {},
  checkMigration(ctx) {
    if (ctx.ddlLockTimeoutMs > 0) return;
    const up = ctx.migration.up;
    if (!up) return;
    for (const stmt of up.statements) {
      if (setsLockTimeout(stmt)) return;
      const table = locksExistingTable(stmt);
      if (table) {
        ctx.report({ statement: stmt, message: `this locks "${table}" with no lock_timeout: waiting behind a long transaction, it would block every query on the table` });
        return;
      }
    }
  },
};
