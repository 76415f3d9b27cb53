import { afterPrefix, droppedName } from '../ast';
import { notransactionEdit, insert } from '../fixes';
import { relName } from '../migration';
import type { Edit, Rule } from '../rule';

export const rule: Rule = {
  meta: {
    id: 'index-without-concurrently',
    description: 'index created or dropped without CONCURRENTLY on a table this migration did not create',
    severity: 'error',
    sections: ['up'],
    explanation:
      'CREATE INDEX holds a SHARE lock on the table until it finishes, so every INSERT, UPDATE and DELETE waits for the whole build; ' +
      'DROP INDEX takes an ACCESS EXCLUSIVE lock that blocks reads too. On a busy table that is an outage for as long as the build runs. ' +
      'A table created earlier in the same migration is empty and invisible to others, so it is exempt, and so is CREATE INDEX ON ONLY, ' +
      'which builds nothing (an invalid index on a partitioned parent, for the partitions\' indexes to be attached to).',
    fix:
      'Write CREATE INDEX CONCURRENTLY (or DROP INDEX CONCURRENTLY) and mark the section `notransaction` (`-- +migrate Up notransaction`), ' +
      'since PostgreSQL refuses CONCURRENTLY inside a transaction; add IF NOT EXISTS / IF EXISTS so that a resumed run can repeat it.',
  },
  check(stmt, ctx) {
    const edits: Edit[] = [];
    let message: string;
    if (stmt.kind === 'IndexStmt') {
      const table = relName(stmt.node.relation);
      // ON ONLY (relation.inh false) builds nothing: it adds an invalid index to a partitioned parent at
      // once, for the partitions' indexes to be attached to; CONCURRENTLY is refused there anyway.
      if (stmt.node.concurrent || stmt.createdBefore.has(table) || !stmt.node.relation?.inh) return;
      message = `CREATE INDEX${stmt.node.idxname ? ` "${stmt.node.idxname}"` : ''} on existing table "${table}" without CONCURRENTLY blocks writes to it while the index builds`;
      const at = afterPrefix(stmt, /create\s+(unique\s+)?index/i);
      if (at !== null) edits.push(insert(at, ' CONCURRENTLY'));
    } else if (stmt.kind === 'DropStmt' && stmt.node.removeType === 'OBJECT_INDEX' && !stmt.node.concurrent) {
      const names = ((stmt.node.objects ?? []) as Record<string, unknown>[]).map((o) => droppedName(o));
      if (names.length > 1) {
        message = `DROP INDEX ${names.join(', ')} without CONCURRENTLY locks their tables against reads and writes (CONCURRENTLY takes one index per statement)`;
      } else {
        message = `DROP INDEX "${names[0]}" without CONCURRENTLY locks its table against reads and writes`;
        const at = afterPrefix(stmt, /drop\s+index/i);
        if (at !== null) edits.push(insert(at, ' CONCURRENTLY'));
      }
    } else return;
    if (edits.length) {
      const nt = notransactionEdit(ctx.migration, stmt.section);
      if (nt) edits.push(nt);
    }
    ctx.report({
      statement: stmt,
      message,
      fix: edits.length ? { title: `Add CONCURRENTLY${edits.length > 1 ? ' and notransaction' : ''}`, edits } : undefined,
    });
  },
};
