// Every hint and error the engine writes in CLI terms reaches the editor naming editor commands.
import { describe, expect, it } from 'vitest';
import { ChecksumMismatchError, NoDownError, OutOfOrderError } from '../../../src/engine/errors';
import { buildStatus, planUp, resumable } from '../../../src/engine/plan';
import type { HistoryRow } from '../../../src/engine/types';
import { editorText } from '../../../src/extension/model/editor-text';
import { lensesFor } from '../../../src/extension/model/lens-model';
import { editorHint } from '../../../src/extension/model/tree-model';
import { migration, row } from './fixtures';

/** CLI syntax: a flag, a verb with -version, or a bare CLI verb in quotes. */
const CLI = /-version\b|--[a-z][a-z-]+|"(up|down|status|redo|reset|forget)"|accept-checksum|mark-applied|mark-rolled-back/;

const NO_TX = `-- +migrate Up notransaction
CREATE INDEX CONCURRENTLY a ON t (id);
CREATE INDEX CONCURRENTLY b ON t (id);
CREATE INDEX CONCURRENTLY c ON t (id);

-- +migrate Down notransaction
DROP INDEX CONCURRENTLY a;
DROP INDEX CONCURRENTLY b;
`;

function statusOf(rows: Partial<HistoryRow>[], text = NO_TX) {
  const files = [migration('20240101000001', 'one', text), migration('20240102000002', 'two')];
  return buildStatus(files, rows.map((r) => row(r.version ?? '20240101000001', { name: 'one', checksum: files[0].checksum, ...r })));
}

describe('editorText', () => {
  const partialRows: Partial<HistoryRow>[][] = [
    [{ status: 'partial', noTransaction: true, progress: { direction: 'up', done: 1, total: 3 } }],
    [{ status: 'partial', noTransaction: true, progress: { direction: 'up', done: 1, total: 3 }, error: 'boom', errorStatement: 1, errorLine: 3 }],
    [{ status: 'partial', noTransaction: true, progress: { direction: 'up', done: 3, total: 3 } }],
    [{ status: 'partial', noTransaction: true, progress: { direction: 'down', done: 1, total: 2 } }],
    [{ status: 'partial', noTransaction: true, progress: null }],
  ];

  it('turns every partial hint into editor commands ("Resume Partial Migration", "Mark as Applied", …)', () => {
    for (const rows of partialRows) {
      const e = statusOf(rows).find((x) => x.status === 'partial')!;
      expect(e.hint, 'the engine hint names the CLI').toMatch(CLI);
      const hint = editorHint(e)!;
      expect(hint).not.toMatch(CLI);
      expect(hint).toMatch(/"Mark as (Applied|Rolled Back)"/);
      if (rows[0].progress) expect(hint).toContain('"Resume Partial Migration"');
    }
  });

  it('turns the engine\'s refusals and errors into editor commands', () => {
    const texts = [
      new ChecksumMismatchError('1', 'f.sql', null).message,
      new OutOfOrderError('1', 'f.sql', '2').message,
      new NoDownError('1', 'f.sql').message,
    ];
    for (const rows of partialRows.slice(0, 4)) {
      const entries = statusOf(rows);
      texts.push(...[() => planUp(entries), () => resumable(entries, 'down', false)].map((f) => {
        try {
          f();
          return '';
        } catch (err) {
          return (err as Error).message;
        }
      }).filter(Boolean));
    }
    const failedNoTx = statusOf([{ status: 'failed', noTransaction: true, error: 'x' }]);
    texts.push((() => { try { planUp(failedNoTx); return ''; } catch (err) { return (err as Error).message; } })());
    texts.push('the run stopped while applying x.sql: terminated; every migration is either fully applied and recorded or not at all; run "status", then "up" again');
    const outOfOrder = buildStatus([migration('20240101000001', 'one'), migration('20240102000002', 'two')], [row('20240102000002', { name: 'two', checksum: migration('20240102000002', 'two').checksum })]);
    texts.push(outOfOrder[0].hint!);
    for (const t of texts) {
      expect(t).toMatch(CLI);
      expect(editorText(t)).not.toMatch(CLI);
    }
    expect(editorText(texts[0])).toContain('"Accept Changed File"');
    expect(editorText(texts[1])).toContain('out_of_order: true');
    expect(editorText(texts[2])).toContain('"Mark as Rolled Back"');
  });
});

describe('lenses of a partial migration', () => {
  it('say how far it got and offer "Resume Partial Migration"', () => {
    const e = statusOf([{ status: 'partial', noTransaction: true, progress: { direction: 'up', done: 1, total: 3 } }])[0];
    const lenses = lensesFor(e.migration!.path!, e.migration!.parsed!, e, e.version, 'file:///ws');
    expect(lenses.map((l) => [l.line, l.title, l.command])).toEqual([
      [0, 'partial: 1 of 3 statements of its Up done', 'migrateLens.showError'],
      [0, 'Resume Partial Migration', 'migrateLens.resume'],
    ]);
  });
});
