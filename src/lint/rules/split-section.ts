import type { LintSection } from '../migration';
import type { Rule, RuleContext } from '../rule';

const WORD = { up: 'Up', down: 'Down' } as const;

export const rule: Rule = {
  meta: {
    id: 'split-section',
    description: 'a second `-- +migrate Up` or `Down` in one file',
    severity: 'warning',
    sections: ['up', 'down'],
    explanation:
      'sql-migrate, and so migrate-lens, reads every `-- +migrate Up` of a file as one Up section and every `-- +migrate Down` as one Down: ' +
      'all the Up parts run on up, one after the other, and all the Down parts on down. A second Up written where a Down was meant runs the ' +
      'rollback on up. And `notransaction` on any one of them takes the transaction away from the whole direction, the other parts included, ' +
      'so a part that looks transactional can stop half-way.',
    fix:
      'Write one `-- +migrate Up` and one `-- +migrate Down`, or split the file into two migrations; a part that needs `notransaction` ' +
      '(CREATE INDEX CONCURRENTLY) is best a migration of its own, so the rest keeps its transaction.',
  },
  check() {},
  checkMigration(ctx) {
    for (const section of [ctx.migration.up, ctx.migration.down]) if (section && section.directives.length > 1) reportSection(section, ctx);
  },
};

/** At most two findings per direction: on its second directive, and on the first notransaction of a mixed one. */
function reportSection(section: LintSection, ctx: RuleContext): void {
  const word = WORD[section.name];
  const { directives, statements } = section;
  const without = directives.filter((d) => !d.noTransaction).map((d) => d.line);
  const firstNoTransaction = without.length > 0 ? directives.find((d) => d.noTransaction) : undefined;
  for (const [i, d] of directives.entries()) {
    const parts: string[] = [];
    if (i === 1) {
      const count = directives.length > 2 ? `${directives.length} in this file, ` : '';
      parts.push(`-- +migrate ${word} again (${count}the first on line ${directives[0].line}): every ${word} part runs on ${section.name}, one after the other, in file order`);
    }
    if (d === firstNoTransaction) {
      const many = without.length > 1;
      parts.push(`this notransaction applies to the whole ${word}: the part${many ? 's' : ''} under line${many ? 's' : ''} ${without.join(', ')} run${many ? '' : 's'} without a transaction too`);
    }
    // The finding marks the directive line; its statement (the first under it, else the last before it) is for ignore comments.
    const statement = statements[Math.min(d.firstStatement, statements.length - 1)];
    if (parts.length && statement) ctx.report({ statement, offset: d.offset, end: d.end, message: parts.join('; ') });
  }
}
