import type { Rule } from '../rule';

export const rule: Rule = {
  meta: {
    id: 'up-without-down',
    description: 'an Up without a Down',
    severity: 'warning',
    sections: ['up'],
    explanation:
      'Without a Down the migration cannot be rolled back: `down`, `reset` and `refresh` stop at it, and a bad deploy ' +
      'has to be undone by hand under pressure.',
    fix: 'Write a `-- +migrate Down` section that undoes the Up (drop what it created, restore what it changed), and check it with `migrate-lens verify`.',
  },
  check() {},
  checkMigration(ctx) {
    const m = ctx.migration;
    if (!m.up || m.up.rawCount === 0) return;
    if (m.down && m.down.rawCount > 0) return;
    const first = m.up.statements[0];
    if (!first) return;
    ctx.report({
      statement: first,
      offset: m.down ? m.down.directiveOffset : m.up.directiveOffset,
      message: m.down ? 'the Down section is empty: this migration cannot be rolled back' : 'no -- +migrate Down section: this migration cannot be rolled back',
    });
  },
};
