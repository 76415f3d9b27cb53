// Status and plan decisions as pure functions of files and history rows: no database.
import { describe, expect, it } from 'vitest';
import {
  buildStatus,
  checksum,
  ChecksumMismatchError,
  NoDownError,
  OutOfOrderError,
  parseMigration,
  planDown,
  planUp,
  StateError,
  UnknownVersionError,
  type HistoryRow,
  type Migration,
} from '../../src/engine/internal';

const WITH_DOWN = (v: string) => `-- +migrate Up\nCREATE TABLE t${v} (id int);\n-- +migrate Down\nDROP TABLE t${v};\n`;
const UP_ONLY = (v: string) => `-- +migrate Up\nCREATE TABLE t${v} (id int);\n`;

function file(version: string, name = `m${version}`, text = WITH_DOWN(version)): Migration {
  const path = `/project/migrations/${version}_${name}.sql`;
  return { version, name, kind: 'file', path, checksum: checksum(text), text, parsed: parseMigration(text, path) };
}

let clock = Date.UTC(2024, 0, 1);
function row(m: Migration | { version: string; name: string; text: string }, over: Partial<HistoryRow> = {}): HistoryRow {
  const text = m.text ?? '';
  clock += 60_000;
  return {
    version: m.version,
    name: m.name,
    checksum: checksum(text),
    status: 'applied',
    batch: 1,
    appliedAt: new Date(clock),
    executionTimeMs: 12,
    error: null,
    errorStatement: null,
    errorLine: null,
    script: text,
    kind: 'file',
    noTransaction: false,
    rolledBackAt: null,
    note: null,
    ...over,
  };
}

const versions = (ms: Migration[]) => ms.map((m) => m.version);

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected an error');
}

describe('buildStatus', () => {
  it('marks files without rows pending and sorts numerically by version', () => {
    const a = file('20240101000000'), b = file('20240102000000'), c = file('20240103000000');
    const entries = buildStatus([c, a, b], [row(a)]);
    expect(entries.map((e) => [e.version, e.status])).toEqual([
      ['20240101000000', 'applied'],
      ['20240102000000', 'pending'],
      ['20240103000000', 'pending'],
    ]);
    expect(entries.every((e) => e.hint === null && !e.outOfOrder)).toBe(true);
    expect(entries[0].row).not.toBeNull();
    expect(entries[1].row).toBeNull();
  });

  it('orders versions of different lengths as numbers', () => {
    const short = file('9'), long = file('10');
    expect(buildStatus([long, short], []).map((e) => e.version)).toEqual(['9', '10']);
  });

  it('calls an applied migration whose file changed drifted and hints accept-checksum', () => {
    const m = file('20240101000000');
    const r = row({ ...m, text: m.text + '-- edited before the change\n' });
    const [e] = buildStatus([m], [r]);
    expect(e.status).toBe('drifted');
    expect(e.hint).toContain('accept-checksum -version 20240101000000');
  });

  it('keeps failed and rollback rows, with the fitting hints', () => {
    const tx = file('20240101000000'), notx = file('20240102000000'), rb = file('20240103000000');
    const entries = buildStatus(
      [tx, notx, rb],
      [
        row(tx, { status: 'failed', error: 'syntax error', errorLine: 2 }),
        row(notx, { status: 'failed', noTransaction: true, error: 'boom' }),
        row(rb, { status: 'rollback', rolledBackAt: new Date() }),
      ],
    );
    expect(entries.map((e) => e.status)).toEqual(['failed', 'failed', 'rollback']);
    expect(entries[0].hint).toContain('run "up" again');
    expect(entries[0].hint).toContain('forget -version 20240101000000');
    expect(entries[1].hint).toContain('mark-applied -version 20240102000000');
    expect(entries[1].hint).toContain('forget -version 20240102000000');
    expect(entries[1].hint).toContain('by hand');
    expect(entries[2].hint).toBeNull();
  });

  it('lists an applied row whose file is gone as missing, and hides rolled-back rows without files', () => {
    const kept = file('20240101000000');
    const gone = { version: '20240102000000', name: 'gone', text: WITH_DOWN('x') };
    const undone = { version: '20240103000000', name: 'undone', text: WITH_DOWN('y') };
    const entries = buildStatus([kept], [row(kept), row(gone), row(undone, { status: 'rollback' })]);
    expect(entries.map((e) => [e.version, e.status])).toEqual([
      ['20240101000000', 'applied'],
      ['20240102000000', 'missing'],
    ]);
    expect(entries[1].migration).toBeNull();
    expect(entries[1].name).toBe('gone');
    expect(entries[1].hint).toContain('mark-rolled-back -version 20240102000000');
  });

  it('merges files and rows given in any order, rows without files in their place', () => {
    const a = file('20240101000000'), d = file('20240104000000'), e = file('20240106000000');
    const goneB = { version: '20240102000000', name: 'gone_b', text: WITH_DOWN('b') };
    const undoneC = { version: '20240103000000', name: 'undone_c', text: WITH_DOWN('c') };
    const goneF = { version: '20240107000000', name: 'gone_f', text: WITH_DOWN('f') };
    const entries = buildStatus([e, d, a], [row(d), row(goneF), row(goneB), row(a), row(undoneC, { status: 'rollback' })]);
    expect(entries.map((x) => [x.version, x.status, x.outOfOrder])).toEqual([
      ['20240101000000', 'applied', false],
      ['20240102000000', 'missing', false],
      ['20240104000000', 'applied', false],
      ['20240106000000', 'pending', true], // older than the newest applied row, whose file is gone
      ['20240107000000', 'missing', false],
    ]);
    expect(entries.map((x) => x.name)).toEqual(['m20240101000000', 'gone_b', 'm20240104000000', 'm20240106000000', 'gone_f']);
  });

  it('flags pending files older than the newest applied one as out of order, with a hint', () => {
    const a = file('20240101000000'), b = file('20240102000000'), c = file('20240103000000'), d = file('20240104000000');
    const entries = buildStatus([a, b, c, d], [row(a), row(c)]);
    const byVersion = Object.fromEntries(entries.map((e) => [e.version, e]));
    expect(byVersion['20240102000000'].status).toBe('pending');
    expect(byVersion['20240102000000'].outOfOrder).toBe(true);
    expect(byVersion['20240102000000'].hint).toContain('up --out-of-order');
    expect(byVersion['20240102000000'].hint).toContain('mark-applied -version 20240102000000');
    expect(byVersion['20240104000000'].outOfOrder).toBe(false);
    expect(byVersion['20240104000000'].hint).toBeNull();
  });
});

describe('planUp', () => {
  const a = file('20240101000000'), b = file('20240102000000'), c = file('20240103000000');

  it('applies every pending migration in version order', () => {
    expect(versions(planUp(buildStatus([c, a, b], [])))).toEqual([a.version, b.version, c.version]);
    expect(versions(planUp(buildStatus([a, b, c], [row(a)])))).toEqual([b.version, c.version]);
    expect(planUp(buildStatus([a, b, c], [row(a), row(b), row(c)]))).toEqual([]);
  });

  it('stops at -version target, inclusive', () => {
    expect(versions(planUp(buildStatus([a, b, c], []), { target: b.version }))).toEqual([a.version, b.version]);
  });

  it('refuses an unknown target', () => {
    const err = thrown(() => planUp(buildStatus([a, b], []), { target: '20990101000000' }));
    expect(err).toBeInstanceOf(UnknownVersionError);
    expect(err.message).toContain('20990101000000');
  });

  it('runs exactly one version with only', () => {
    expect(versions(planUp(buildStatus([a, b, c], []), { only: b.version }))).toEqual([b.version]);
  });

  it('refuses only for an applied or unknown version', () => {
    expect(thrown(() => planUp(buildStatus([a, b], [row(a)]), { only: a.version })).message).toContain('already applied');
    expect(thrown(() => planUp(buildStatus([a], []), { only: '1' }))).toBeInstanceOf(UnknownVersionError);
  });

  it('refuses to run while a migration is drifted, naming its version and file', () => {
    const err = thrown(() => planUp(buildStatus([a, b], [row({ ...a, text: 'edited' })])));
    expect(err).toBeInstanceOf(ChecksumMismatchError);
    expect(err.message).toContain(a.version);
    expect(err.message).toContain(a.path!);
    expect(err.message).toContain(`accept-checksum -version ${a.version}`);
  });

  it('refuses out-of-order files by default and applies them with the opt-in', () => {
    const entries = buildStatus([a, b, c], [row(a), row(c)]);
    const err = thrown(() => planUp(entries));
    expect(err).toBeInstanceOf(OutOfOrderError);
    expect(err.message).toContain(b.version);
    expect(err.message).toContain(b.path!);
    expect(err.message).toContain(c.version);
    expect(err.message).toContain('--out-of-order');
    expect(versions(planUp(entries, { allowOutOfOrder: true }))).toEqual([b.version]);
  });

  it('refuses to continue after a failed notransaction migration', () => {
    const entries = buildStatus([a, b], [row(a, { status: 'failed', noTransaction: true, error: 'x' })]);
    const err = thrown(() => planUp(entries));
    expect(err).toBeInstanceOf(StateError);
    expect(err.message).toContain(a.path!);
    expect(err.message).toContain(`mark-applied -version ${a.version}`);
    expect(err.message).toContain(`forget -version ${a.version}`);
  });

  it('retries a failed transactional migration, and a rolled-back one', () => {
    expect(versions(planUp(buildStatus([a, b], [row(a, { status: 'failed', error: 'x' })])))).toEqual([a.version, b.version]);
    expect(versions(planUp(buildStatus([a, b], [row(a, { status: 'rollback' })])))).toEqual([a.version, b.version]);
  });

  it('does not try to apply a missing migration', () => {
    const gone = { version: '20240104000000', name: 'gone', text: WITH_DOWN('g') };
    expect(versions(planUp(buildStatus([a, b], [row(a), row(gone)]), { allowOutOfOrder: true }))).toEqual([b.version]);
  });
});

describe('planDown', () => {
  const a = file('20240101000000'), b = file('20240102000000'), c = file('20240103000000'), d = file('20240104000000');

  it('rolls back only the most recently applied migration by default', () => {
    const entries = buildStatus([a, b, c, d], [row(a), row(b), row(c, { batch: 2 })]);
    expect(versions(planDown(entries))).toEqual([c.version]);
  });

  it('chooses the most recent by batch, then applied time, not by version', () => {
    // b was applied out of order after c, in a later batch: it is the one to undo first.
    const entries = buildStatus([a, b, c], [row(a), row(c), row(b, { batch: 2 })]);
    expect(versions(planDown(entries))).toEqual([b.version]);
    // Same batch: the later applied_at wins.
    const sameBatch = buildStatus([a, b, c], [row(a), row(c), row(b)]);
    expect(versions(planDown(sameBatch))).toEqual([b.version]);
  });

  it('does nothing when nothing is applied', () => {
    expect(planDown(buildStatus([a, b], []))).toEqual([]);
    expect(planDown(buildStatus([a], [row(a, { status: 'rollback' })]))).toEqual([]);
  });

  it('rolls back everything applied after -version V, most recent first', () => {
    const entries = buildStatus([a, b, c, d], [row(a), row(b), row(c, { batch: 2 }), row(d, { batch: 2 })]);
    expect(versions(planDown(entries, { target: b.version }))).toEqual([d.version, c.version]);
    expect(versions(planDown(entries, { target: '0' }))).toEqual([d.version, c.version, b.version, a.version]);
    expect(thrown(() => planDown(entries, { target: '20990101000000' }))).toBeInstanceOf(UnknownVersionError);
  });

  it('rolls back the whole last batch', () => {
    const entries = buildStatus([a, b, c, d], [row(a), row(b, { batch: 2 }), row(c, { batch: 2 }), row(d, { batch: 2 })]);
    expect(versions(planDown(entries, { batch: true }))).toEqual([d.version, c.version, b.version]);
  });

  it('rolls back all with all', () => {
    const entries = buildStatus([a, b, c], [row(a), row(b), row(c, { batch: 2 })]);
    expect(versions(planDown(entries, { all: true }))).toEqual([c.version, b.version, a.version]);
  });

  it('rolls back exactly one version with only', () => {
    const entries = buildStatus([a, b, c], [row(a), row(b), row(c)]);
    expect(versions(planDown(entries, { only: a.version }))).toEqual([a.version]);
    expect(thrown(() => planDown(buildStatus([a, b], [row(a)]), { only: b.version })).message).toContain('not applied');
    expect(thrown(() => planDown(buildStatus([a], [row(a)]), { only: '5' })).message).toContain('no such migration');
  });

  it('rolls back a missing file from the stored script', () => {
    const goneText = `-- +migrate Up\nCREATE TABLE gone (id int);\n-- +migrate Down\nDROP TABLE gone;\n`;
    const gone = { version: '20240105000000', name: 'gone', text: goneText };
    const entries = buildStatus([a], [row(a), row(gone, { batch: 2 })]);
    const [m] = planDown(entries);
    expect(m.version).toBe(gone.version);
    expect(m.path).toContain('stored copy');
    expect(m.parsed?.down?.statements.map((s) => s.sql)).toEqual(['DROP TABLE gone']);
    expect(m.parsed?.down?.statements[0].line).toBe(4);
  });

  it('refuses a missing file whose stored script has no Down, or no stored script', () => {
    const noDown = { version: '20240105000000', name: 'gone', text: UP_ONLY('g') };
    expect(thrown(() => planDown(buildStatus([a], [row(a), row(noDown, { batch: 2 })])))).toBeInstanceOf(NoDownError);
    const noScript = { version: '20240106000000', name: 'gone2', text: '' };
    expect(thrown(() => planDown(buildStatus([a], [row(a), row(noScript, { batch: 2, script: null })])))).toBeInstanceOf(StateError);
  });

  it('throws NoDownError before anything runs when any chosen migration lacks Down', () => {
    const upOnly = file('20240102000000', 'up_only', UP_ONLY('b'));
    const entries = buildStatus([a, upOnly, c], [row(a), row(upOnly), row(c)]);
    // c has a Down and is first in line, but the plan as a whole is refused.
    const err = thrown(() => planDown(entries, { all: true }));
    expect(err).toBeInstanceOf(NoDownError);
    expect(err.message).toContain(upOnly.version);
    expect(err.message).toContain(upOnly.path!);
    // and names the ways out
    expect(err.message).toContain(`"mark-rolled-back -version ${upOnly.version}"`);
    expect(err.message).toContain('Add a Down section');
  });

  it('refuses to roll back a drifted migration', () => {
    const entries = buildStatus([a, b], [row(a), row({ ...b, text: 'edited' })]);
    const err = thrown(() => planDown(entries));
    expect(err).toBeInstanceOf(ChecksumMismatchError);
    expect(err.message).toContain(b.version);
    // A drifted migration below the one rolled back does not block it.
    const lower = buildStatus([a, b], [row({ ...a, text: 'edited' }), row(b)]);
    expect(versions(planDown(lower))).toEqual([b.version]);
  });
});

describe('code migrations', () => {
  const code = (version: string, withDown: boolean): Migration => ({
    version,
    name: `code_${version}`,
    kind: 'code',
    checksum: checksum(`${version}:code_${version}`),
    upFn: async () => {},
    downFn: withDown ? async () => {} : undefined,
  });
  const codeRow = (m: Migration, over: Partial<HistoryRow> = {}) => row({ version: m.version, name: m.name, text: '' }, { checksum: m.checksum, kind: 'code', script: null, ...over });

  it('plans code migrations like files', () => {
    const a = file('20240101000000'), c = code('20240102000000', true);
    const entries = buildStatus([a, c], [row(a)]);
    expect(entries.map((e) => e.status)).toEqual(['applied', 'pending']);
    expect(planUp(entries)).toEqual([c]);
    expect(planDown(buildStatus([a, c], [row(a), codeRow(c)]))).toEqual([c]);
  });

  it('refuses to roll back a code migration without down', () => {
    const c = code('20240102000000', false);
    const err = thrown(() => planDown(buildStatus([c], [codeRow(c)])));
    expect(err).toBeInstanceOf(NoDownError);
    expect(err.message).toContain('20240102000000');
  });
});
