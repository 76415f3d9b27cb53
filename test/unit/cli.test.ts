// CLI argument parsing, exit codes and output formatting, without a database.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commands/index';
import { UsageError } from '../../src/cli/commands/types';
import { parseCommandLine, parseDuration, nearest } from '../../src/cli/parse';
import { dryRunText, formatMs, formatTime, statusJson, statusTable, summary } from '../../src/cli/format';
import { run, type Io } from '../../src/cli/main';
import { checkCode } from '../../src/cli/commands/status';
import { buildStatus, checksum, parseMigration, splitStatements, type HistoryRow, type Migration, type StatusEntry } from '../../src/engine/internal';

function fakeIo(cwd: string, env: Record<string, string | undefined> = {}) {
  const io = { out: '', err: '' };
  const handle: Io = { out: (t) => void (io.out += t), err: (t) => void (io.err += t), cwd, env };
  return { io, handle };
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'migrate-lens-cli-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const NAMES = COMMANDS.map((c) => c.name);
const parse = (argv: string[]) => {
  const p = parseCommandLine(argv);
  return { command: p.command?.name ?? null, values: Object.fromEntries(p.values), positionals: p.positionals, help: p.help };
};

describe('parseCommandLine', () => {
  it('reads the command and -flag value, -flag=value, --flag value and --flag=value', () => {
    const a = parse(['up', '-migrations', 'db', '-table=hist', '--schema', 'ops', '--version=20240101000000']);
    expect(a.command).toBe('up');
    expect(a.values).toEqual({ migrations: 'db', table: 'hist', schema: 'ops', version: '20240101000000' });
    expect(a.positionals).toEqual([]);
  });

  it('reads booleans with one or two dashes, and =true / =false', () => {
    const a = parse(['down', '--dry-run', '-batch', '--verbose=false']);
    expect(a.values).toEqual({ 'dry-run': true, batch: true, verbose: false });
    expect(parse(['status', '-json=true']).values).toEqual({ json: true });
    expect(parse(['-h']).help).toBe(true);
    expect(parse(['status', '--help']).help).toBe(true);
    expect(parse(['status', '-h']).help).toBe(true);
  });

  it('keeps flags before the command and values that start with a dash digit', () => {
    const a = parse(['-config', 'c.yaml', 'status', '--json']);
    expect(a.command).toBe('status');
    expect(a.values.config).toBe('c.yaml');
    expect(parse(['-migrations', 'up', 'down']).command).toBe('down');
    expect(parse(['create', '-name', '-1 fix']).values.name).toBe('-1 fix');
  });

  it('collects positionals after the command and after --', () => {
    expect(parse(['create', 'add', 'users']).positionals).toEqual(['add', 'users']);
    expect(parse(['create', '--', '--not-a-flag']).positionals).toEqual(['--not-a-flag']);
  });

  it('throws UsageError for unknown flags, unknown commands, missing values and valued booleans', () => {
    expect(() => parse(['up', '--fast'])).toThrow(UsageError);
    expect(() => parse(['up', '--fast'])).toThrow('up does not take --fast');
    expect(() => parse(['upp'])).toThrow('unknown command "upp"; did you mean "up"?');
    expect(() => parse(['up', '-version'])).toThrow('-version needs a value');
    expect(() => parse(['up', '--dry-run=maybe'])).toThrow(UsageError);
  });

  it('refuses a flag the command does not take, naming the flag and the command', () => {
    expect(() => parse(['create', '--dry-run'])).toThrow('create does not take --dry-run (a flag of up, down, reset, refresh, adopt)');
    expect(() => parse(['version', '--json'])).toThrow('version does not take --json (a flag of status, verify)');
    expect(() => parse(['status', '-version', '20240101000000'])).toThrow('status does not take -version');
    expect(() => parse(['status', '--lock-timeout', '3'])).toThrow('status does not take --lock-timeout');
  });

  it('refuses conflicting flags', () => {
    expect(() => parse(['down', '--all', '--batch'])).toThrow('down: --all and --batch cannot be used together');
    expect(() => parse(['down', '-version', '1', '--all'])).toThrow('down: -version and --all cannot be used together');
    expect(parse(['down', '--all', '--batch=false']).values).toEqual({ all: true, batch: false });
  });

  it('suggests the nearest command or flag', () => {
    expect(() => parse(['stauts'])).toThrow('did you mean "status"?');
    expect(() => parse(['mark-aplied'])).toThrow('did you mean "mark-applied"?');
    expect(() => parse(['status', '--jsn'])).toThrow('status does not take --jsn; did you mean --json?');
    expect(() => parse(['up', '-dryrun'])).toThrow('did you mean -dry-run?');
    expect(() => parse(['frobnicate'])).toThrow(/^unknown command "frobnicate"$/);
    expect(nearest('xyz', NAMES)).toBeUndefined();
  });

  it('parses durations for --lock-timeout', () => {
    expect(parseDuration('30', 'lock-timeout')).toBe(30_000);
    expect(parseDuration('1.5s', 'lock-timeout')).toBe(1500);
    expect(parseDuration('250ms', 'lock-timeout')).toBe(250);
    expect(parseDuration('2m', 'lock-timeout')).toBe(120_000);
    expect(() => parseDuration('soon', 'lock-timeout')).toThrow(UsageError);
    expect(parse(['up', '--lock-timeout=2m']).values['lock-timeout']).toBe(120_000);
  });

  it("refuses a --ddl-lock-timeout PostgreSQL would refuse in every migration, and one that rounds to none", () => {
    expect(parse(['up', '--ddl-lock-timeout', '2147483647ms']).values['ddl-lock-timeout']).toBe(2_147_483_647);
    expect(parse(['up', '--ddl-lock-timeout', '0']).values['ddl-lock-timeout']).toBe(0);
    for (const bad of ['2147483648ms', '3000000s', '99999999999999999999999', '1e309ms', '-1s', '5 parsecs']) {
      expect(() => parse(['up', '--ddl-lock-timeout', bad]), bad).toThrow(/^-ddl-lock-timeout /);
    }
    expect(() => parse(['down', '--ddl-lock-timeout', '0.4ms'])).toThrow('whole milliseconds: "0.4ms" would be 0, which means none');
  });
});

describe('commands: one definition each', () => {
  it('every command has a unique name, a usage naming it, and flags with unique names and help', () => {
    expect(new Set(NAMES).size).toBe(NAMES.length);
    for (const c of COMMANDS) {
      expect(c.usage.startsWith(`migrate-lens ${c.name}`)).toBe(true);
      const flagNames = c.flags.map((f) => f.name);
      expect(new Set(flagNames).size, c.name).toBe(flagNames.length);
      for (const f of c.flags) expect(f.help.length, `${c.name} -${f.name}`).toBeGreaterThan(0);
      for (const set of c.exclusive ?? []) for (const n of set) expect(flagNames).toContain(n);
      for (const n of c.required ?? []) expect(flagNames).toContain(n);
    }
  });

  it.each(COMMANDS.map((c) => [c.name, c] as const))('%s: its help lists exactly the flags it accepts', async (_name, c) => {
    const { io, handle } = fakeIo(dir);
    expect(await run([c.name, '--help'], handle)).toBe(0);
    for (const f of c.flags) {
      expect(io.out).toContain(`-${f.name}`);
      // accepted: a value that passes the flag's own check
      const value = f.type === 'boolean' ? [] : [f.type === 'duration' ? '1s' : f.name === 'version' ? '1' : 'x'];
      const required = (c.required ?? []).filter((n) => n !== f.name).flatMap((n) => [`-${n}`, '1']);
      expect(() => parseCommandLine([c.name, `-${f.name}`, ...value, ...required])).not.toThrow();
    }
    // every other command's flag that it does not list is refused
    for (const other of COMMANDS.flatMap((o) => o.flags)) {
      if (c.flags.some((f) => f.name === other.name)) continue;
      // (a flag whose name ends another's, like --ddl-lock-timeout and --lock-timeout, is not that flag)
      expect(io.out).not.toMatch(new RegExp(`(^|[\\s\\[|])--?${other.name} `, 'm'));
      expect(() => parseCommandLine([c.name, `--${other.name}=1`])).toThrow(`${c.name} does not take --${other.name}`);
    }
  });
});

describe('run: help and usage errors', () => {
  it('prints general help on --help with exit 0, and on no command to stderr with exit 2', async () => {
    const ok = fakeIo(dir);
    expect(await run(['--help'], ok.handle)).toBe(0);
    for (const c of NAMES) expect(ok.io.out).toContain(c);
    expect(ok.io.out).toContain('Exit codes');
    const bare = fakeIo(dir);
    expect(await run([], bare.handle)).toBe(2);
    expect(bare.io.out).toBe('');
    expect(bare.io.err).toContain('Usage: migrate-lens COMMAND');
  });

  it.each(NAMES)('prints help for %s with exit 0 and touches nothing', async (command) => {
    const { io, handle } = fakeIo(dir);
    expect(await run([command, '--help'], handle)).toBe(0);
    expect(io.out).toContain(`migrate-lens ${command}`);
    expect(io.out).toContain('-config FILE');
    expect(io.err).toBe('');
    expect(readdirSync(dir)).toEqual([]);
  });

  it.each([
    [['bogus'], 'unknown command "bogus"'],
    [['up', '--nope'], 'up does not take --nope'],
    [['up', '-version', 'abc'], '-version expects digits'],
    [['up', 'extra'], 'up takes no argument, got "extra"'],
    [['create', '--dry-run', '-name', 'x'], 'create does not take --dry-run'],
    [['version', '--json'], 'version does not take --json'],
    [['status', '-version', '20240101000000'], 'status does not take -version'],
    [['down', '--all', '--batch'], 'down: --all and --batch cannot be used together'],
    [['up', '--lock-timeout', 'soon'], '-lock-timeout expects seconds'],
    [['mark-applied'], 'mark-applied needs -version V'],
    [['forget'], 'forget needs -version V'],
    [['accept-checksum'], 'accept-checksum needs -version V'],
    [['mark-rolled-back'], 'mark-rolled-back needs -version V'],
    [['create'], 'create needs -name NAME'],
  ])('exits 2 on %j', async (argv, message) => {
    const { io, handle } = fakeIo(dir);
    expect(await run(argv, handle)).toBe(2);
    expect(io.err).toContain(`error: ${message}`);
    expect(io.out).toBe('');
  });

  it('reports an engine error as one "error:" line with exit 1, without a stack', async () => {
    const { io, handle } = fakeIo(dir);
    expect(await run(['status', '-config', 'missing.yaml'], handle)).toBe(1);
    expect(io.err).toBe('error: missing.yaml: cannot read the config file (ENOENT)\n');
  });

  it('adds the stack trace with --verbose', async () => {
    const { io, handle } = fakeIo(dir);
    expect(await run(['status', '-config', 'missing.yaml', '--verbose'], handle)).toBe(1);
    const lines = io.err.trimEnd().split('\n');
    expect(lines[0]).toBe('error: missing.yaml: cannot read the config file (ENOENT)');
    expect(lines.slice(1).some((l) => /^\s+at /.test(l))).toBe(true);
  });
});

describe('run: create', () => {
  it('writes the template as migrations/YYYYMMDDHHMMSS_snake_name.sql', async () => {
    const { io, handle } = fakeIo(dir);
    expect(await run(['create', '-name', 'Add Users'], handle)).toBe(0);
    const files = readdirSync(join(dir, 'migrations'));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^\d{14}_add_users\.sql$/);
    expect(io.out).toBe(`Created ${join('migrations', files[0])}\n`);
    const parsed = parseMigration(readFileSync(join(dir, 'migrations', files[0]), 'utf8'));
    expect(parsed.up.statements).toEqual([]);
    expect(parsed.down).not.toBeNull();
  });

  it('takes the name from positionals and honours -migrations', async () => {
    const { handle } = fakeIo(dir);
    expect(await run(['create', 'Backfill', 'Emails', '-migrations', 'db/m'], handle)).toBe(0);
    expect(readdirSync(join(dir, 'db', 'm'))[0]).toMatch(/^\d{14}_backfill_emails\.sql$/);
  });
});

describe('output formatting', () => {
  const text = (v: string) => `-- +migrate Up\nCREATE TABLE t${v} (id int);\n-- +migrate Down\nDROP TABLE t${v};\n`;
  const file = (version: string, name: string): Migration => {
    const t = text(version);
    return { version, name, kind: 'file', path: `/p/migrations/${version}_${name}.sql`, checksum: checksum(t), text: t, parsed: parseMigration(t) };
  };
  const row = (m: { version: string; name: string }, over: Partial<HistoryRow>): HistoryRow => ({
    version: m.version, name: m.name, checksum: checksum(text(m.version)), status: 'applied', batch: 1,
    appliedAt: new Date('2024-03-01T12:34:56.789Z'), executionTimeMs: 145, error: null, errorStatement: null, errorLine: null,
    script: text(m.version), kind: 'file', noTransaction: false, rolledBackAt: null, note: null, ...over,
  });

  const applied = file('20240101000000', 'create_users');
  const failed = file('20240102000000', 'add_index');
  const pending = file('20240103000000', 'seed');
  const entries = buildStatus(
    [applied, failed, pending],
    [
      row(applied, {}),
      row(failed, { status: 'failed', error: 'relation "x" does not exist', errorLine: 2, executionTimeMs: 3.5 }),
      row({ version: '20231201000000', name: 'gone' }, { batch: 2 }),
    ],
  );

  it('prints the status table with its columns, one row per migration', () => {
    const out = statusTable(entries);
    const lines = out.split('\n');
    expect(lines[0].split(/\s{2,}/)).toEqual(['VERSION', 'STATUS', 'NAME', 'APPLIED AT', 'EXECUTION TIME']);
    const cells = (version: string) => lines.find((l) => l.startsWith(version))!.split(/\s{2,}/);
    expect(cells('20240101000000')).toEqual(['20240101000000', 'applied', 'create_users', '2024-03-01 12:34:56', '145.0 ms']);
    expect(cells('20240102000000')).toEqual(['20240102000000', 'failed', 'add_index', '2024-03-01 12:34:56', '3.50 ms']);
    expect(cells('20240103000000')).toEqual(['20240103000000', 'pending', 'seed', '-', '-']);
    expect(cells('20231201000000')).toEqual(['20231201000000', 'missing', 'gone', '2024-03-01 12:34:56', '145.0 ms']);
    // Columns line up: every row's NAME starts where the header's does.
    const nameAt = lines[0].indexOf('NAME');
    for (const l of lines.slice(1, 5)) expect(l.slice(nameAt)).toMatch(/^[a-z_]+ /);
  });

  it('prints the database error and a hint for each problem, then a summary', () => {
    const out = statusTable(entries);
    expect(out).toContain('20240102000000 failed at line 2: relation "x" does not exist');
    expect(out).toContain('20240102000000 failed: nothing of it was applied');
    expect(out).toContain('20231201000000 missing: applied but the file is gone');
    expect(out.trimEnd().split('\n').at(-1)).toBe('4 migrations: 1 applied, 1 pending, 1 failed, 1 missing');
    expect(statusTable([])).toContain('No migrations found.');
    expect(summary(entries.slice(1, 2))).toBe('1 migration: 1 applied');
  });

  it('marks out-of-order rows in the table', () => {
    const early = file('20231231000000', 'late_branch');
    const out = statusTable(buildStatus([applied, early], [row(applied, {})]));
    expect(out).toMatch(/20231231000000\s+pending \(out of order\)\s+late_branch/);
    expect(out).toContain('up --out-of-order');
  });

  it('prints status as JSON', () => {
    const json = JSON.parse(statusJson(entries));
    expect(json.map((e: { version: string }) => e.version)).toEqual(['20231201000000', '20240101000000', '20240102000000', '20240103000000']);
    const [gone, first, failing, waiting] = json;
    expect(first).toEqual({
      version: '20240101000000', name: 'create_users', status: 'applied', outOfOrder: false, batch: 1,
      appliedAt: '2024-03-01T12:34:56.789Z', executionTimeMs: 145, error: null, errorLine: null,
      file: '/p/migrations/20240101000000_create_users.sql', hint: null, warning: null,
    });
    expect(failing).toMatchObject({ status: 'failed', error: 'relation "x" does not exist', errorLine: 2 });
    expect(waiting).toMatchObject({ status: 'pending', batch: null, appliedAt: null });
    expect(gone).toMatchObject({ status: 'missing', file: null, batch: 2 });
    expect(gone.hint).toContain('mark-rolled-back');
  });

  it('prints a dry run as SQL: BEGIN/COMMIT around transactional migrations only', () => {
    const out = dryRunText({
      batch: null, applied: [], cancelled: false,
      planned: [
        { version: '1', name: 'tx', direction: 'up', noTransaction: false, statements: splitStatements('CREATE TABLE a (id int);\nSELECT 1 -- trailing\n') },
        { version: '2', name: 'concurrent', direction: 'up', noTransaction: true, statements: splitStatements('CREATE INDEX CONCURRENTLY i ON a (id);') },
      ],
    });
    expect(out).toBe(
      '-- up 1_tx\nBEGIN;\nCREATE TABLE a (id int);\nSELECT 1 -- trailing\n;\nCOMMIT;\n' +
        '\n-- up 2_concurrent (notransaction)\nCREATE INDEX CONCURRENTLY i ON a (id);\n',
    );
    expect(dryRunText({ batch: null, applied: [], cancelled: false, planned: [] })).toBe('-- nothing to do\n');
  });

  it('formats times in UTC and durations', () => {
    expect(formatTime(new Date('2024-01-02T03:04:05.678Z'))).toBe('2024-01-02 03:04:05');
    expect(formatTime(null)).toBe('-');
    expect(formatTime(new Date(NaN))).toBe('-');
    expect(formatTime(new Date('1999-12-31T23:59:59.999Z'))).toBe('1999-12-31 23:59:59');
    expect(formatMs(null)).toBe('-');
    expect(formatMs(4)).toBe('4.00 ms');
    expect(formatMs(145)).toBe('145.0 ms');
    expect(formatMs(2500)).toBe('2.50 s');
  });
});

describe('status --check', () => {
  const e = (status: string) => ({ status }) as unknown as StatusEntry;
  it.each([
    [[], 0],
    [['applied', 'applied'], 0],
    [['applied', 'pending'], 3],
    [['applied', 'rollback'], 3],
    [['applied', 'pending', 'failed'], 1],
    [['partial', 'pending'], 1],
    [['drifted'], 1],
    [['missing', 'applied'], 1],
    [['some-future-status'], 1],
  ])('%j → %i', (statuses, code) => {
    expect(checkCode((statuses as string[]).map(e))).toBe(code);
  });
});
