import { notransactionEdit } from '../fixes';
import type { LintStatement } from '../migration';
import type { Rule } from '../rule';

/** What the statement does CONCURRENTLY, or null. */
function concurrentWhat(stmt: LintStatement): string | null {
  const n = stmt.node;
  switch (stmt.kind) {
    case 'IndexStmt':
      return n.concurrent ? 'CREATE INDEX CONCURRENTLY' : null;
    case 'DropStmt':
      return n.concurrent ? 'DROP INDEX CONCURRENTLY' : null;
    case 'ReindexStmt':
      return ((n.params ?? []) as { DefElem?: { defname?: string } }[]).some((p) => p.DefElem?.defname === 'concurrently') ? 'REINDEX CONCURRENTLY' : null;
    case 'AlterTableStmt':
      return ((n.cmds ?? []) as { AlterTableCmd?: { subtype?: string; def?: { PartitionCmd?: { concurrent?: boolean } } } }[]).some(
        (c) => c.AlterTableCmd?.subtype === 'AT_DetachPartition' && c.AlterTableCmd.def?.PartitionCmd?.concurrent,
      )
        ? 'DETACH PARTITION CONCURRENTLY'
        : null;
    default:
      return null;
  }
}

export const rule: Rule = {
  meta: {
    id: 'concurrently-in-transaction',
    description: 'CONCURRENTLY in a migration section that runs in a transaction',
    severity: 'error',
    sections: ['up', 'down'],
    explanation:
      'PostgreSQL refuses CREATE INDEX CONCURRENTLY, DROP INDEX CONCURRENTLY, REINDEX CONCURRENTLY and DETACH PARTITION CONCURRENTLY ' +
      'inside a transaction block ("cannot run inside a transaction block"), and every section runs in one unless it is marked ' +
      '`notransaction`. A StatementBegin block holding several statements is sent as one query, which PostgreSQL also runs as one ' +
      'transaction, so CONCURRENTLY fails there even with `notransaction`. The migration would fail at run time. This is checked in ' +
      'Down sections too, since it makes them fail.',
    fix: 'Add `notransaction` to the section\'s directive: `-- +migrate Up notransaction` (or Down), and keep the statement out of a StatementBegin block that holds other statements.',
  },
  check(stmt, ctx) {
    if (stmt.noTransaction && !stmt.sharesQuery) return;
    const what = concurrentWhat(stmt);
    if (!what) return;
    if (stmt.sharesQuery) {
      ctx.report({
        statement: stmt,
        message: `${what} cannot run inside a transaction, and its StatementBegin block holds other statements: they go to the server as one query, which runs as one transaction even with notransaction; give it a block of its own, or no block`,
      });
      return;
    }
    const edit = notransactionEdit(ctx.migration, stmt.section);
    const dir = stmt.section === 'up' ? 'Up' : 'Down';
    ctx.report({
      statement: stmt,
      message: `${what} cannot run inside a transaction; add notransaction: -- +migrate ${dir} notransaction`,
      fix: edit ? { title: `Add notransaction to -- +migrate ${dir}`, edits: [edit] } : undefined,
    });
  },
};
