// adopt stopped for real: the CLI killed with SIGKILL at each step of its renames and conversions
// (held there by its test hook, MIGRATE_LENS_TEST_ADOPT_STOP, so the test waits for a state, never
// for a time), its output closed half-way, and the git index after it (git mv semantics: nothing
// outside the files adopt changes is staged).
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseMigration } from '../../src/engine/parser';
import { adoptDatabases, CLI, cli, fixtureProject } from '../support/adopt';
import type { TestDatabase } from '../support/pg';

const JOURNAL = '.migrate-lens-adopt.json';
const GORP = 'CREATE TABLE gorp_migrations (id text NOT NULL PRIMARY KEY, applied_at timestamp with time zone)';

const { database } = adoptDatabases();

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const withoutVersions = (s: string) => s.replace(/\d{14}/g, 'V');

/** Waits until `check` holds, polling a state (a file, a process), up to a generous limit. */
async function until(check: () => boolean, what: string, limitMs = 60_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > limitMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface Project {
  p: ReturnType<typeof fixtureProject>;
  db: TestDatabase;
  env: Record<string, string>;
}

/**
 * The two kinds of folder change adopt makes, each from a fixture in git: golang-migrate at version 2
 * of 3 (every file converted, its .down.sql removed) and sql-migrate with 3 of 5 applied (every file
 * renamed, no text changed; gorp_migrations with the DDL sql-migrate uses).
 */
const KINDS = {
  'golang-migrate': {
    args: ['adopt', '-from', 'golang-migrate', '-table', 'ml_history', '--rename'],
    table: 'ml_history',
    order: ['create_products.sql', 'add_price.sql', 'create_orders.sql'],
    rows: [['create_products', 'applied', 1], ['add_price', 'applied', 1]],
    again: 'Nothing to adopt: all 1 entry of "public"."schema_migrations" (golang-migrate)',
    untouched: /000001_create_products\.(up|down)\.sql.*adopt/,
    async make(prefix: string): Promise<Project> {
      const p = fixtureProject('golang-migrate');
      const db = await database(prefix);
      await db.query(readFileSync(join(p.dir, 'schema_migrations.sql'), 'utf8'));
      for (const f of ['000001_create_products.up.sql', '000002_add_price.up.sql']) await db.query(readFileSync(join(p.migrations, f), 'utf8'));
      await db.query(`INSERT INTO schema_migrations (version, dirty) VALUES (2, false)`);
      return { p, db, env: { DATABASE_URL: db.url } };
    },
  },
  'sql-migrate': {
    args: ['adopt', '-from', 'sql-migrate', '--rename'],
    table: 'schema_migrations',
    order: ['init.sql', 'profiles.sql', 'touch.sql', '2023-01-20_0-audit.sql', '2023-01-20_1-audit-index.sql'],
    rows: [['init', 'applied', 1], ['profiles', 'applied', 1], ['touch', 'applied', 1]],
    again: 'Nothing to adopt: all 3 entries of "public"."gorp_migrations" (sql-migrate)',
    untouched: /1_init\.sql.*adopt --rename/,
    async make(prefix: string): Promise<Project> {
      const p = fixtureProject('sql-migrate');
      const db = await database(prefix);
      await db.query(GORP);
      for (const f of ['1_init.sql', '2_profiles.sql', '10_touch.sql']) {
        for (const st of parseMigration(readFileSync(join(p.migrations, f), 'utf8')).up.statements) await db.query(st.sql);
        await db.query(`INSERT INTO gorp_migrations (id, applied_at) VALUES ($1, now())`, [f]);
      }
      return { p, db, env: { DATABASE_URL: db.url } };
    },
  },
} as const;
type Kind = keyof typeof KINDS;

/** Everything a finished adoption leaves, with the versions (which depend on the clock) blanked. */
async function endState({ p, db }: Project, kind: Kind) {
  const files = readdirSync(p.migrations).sort();
  const rows = await db.query<{ version: string; name: string; status: string; batch: number; checksum: string; script: string }>(
    `SELECT version::text, name, status, batch, checksum, script FROM ${KINDS[kind].table} ORDER BY version`,
  );
  // The history and the folder agree: every row's file is there with the text and checksum it records.
  for (const r of rows) {
    const file = files.find((f) => f.startsWith(`${r.version}_`));
    expect(file, `the file of ${r.version}`).toBeDefined();
    const text = readFileSync(join(p.migrations, file!), 'utf8');
    expect(r.checksum).toBe(sha256(text));
    expect(r.script).toBe(text);
  }
  return {
    files: files.map((f) => [withoutVersions(f), readFileSync(join(p.migrations, f), 'utf8')]),
    // Every file once, in the other tool's order: the versions sort as its order did.
    order: files.map((f) => f.replace(/^\d{14}_/, '')),
    rows: rows.map((r) => [r.name, r.status, r.batch]),
    git: withoutVersions(p.git('-c', 'core.quotepath=off', 'status', '--porcelain')).split('\n').filter(Boolean).sort(),
  };
}

/** The other tool's table as it is (adopt never writes it). */
const theirs = (db: TestDatabase, kind: Kind) =>
  db.query(kind === 'sql-migrate' ? `SELECT id, applied_at FROM gorp_migrations ORDER BY id` : `SELECT version::int, dirty FROM schema_migrations`);

function startAdopt({ p, env }: Project, kind: Kind, step: string, marker: string, stdio: 'ignore' | 'pipe') {
  return spawn(process.execPath, [CLI, ...KINDS[kind].args], {
    cwd: p.dir,
    env: { ...process.env, MIGRATE_LENS_COMPILE_CACHE: 'off', ...env, MIGRATE_LENS_TEST_ADOPT_STOP: step, MIGRATE_LENS_TEST_ADOPT_STOPPED: marker },
    stdio: ['ignore', stdio, stdio],
  });
}

// recorded: rows written, not committed, folder untouched; journal: written, nothing changed yet;
// change:N: N+1 files changed; index: the git index updated; committed: after COMMIT, before the
// journal is removed.
const STEPS: [Kind, string][] = [
  ...['recorded', 'journal', 'change:0', 'change:1', 'change:2', 'index', 'committed'].map((s): [Kind, string] => ['golang-migrate', s]),
  ...['journal', 'change:0', 'change:3', 'index', 'committed'].map((s): [Kind, string] => ['sql-migrate', s]),
];

describe.each(Object.keys(KINDS) as Kind[])('adopt -from %s killed with SIGKILL at each step, then run again', (kind) => {
  let reference: Awaited<ReturnType<typeof endState>>;
  beforeAll(async () => {
    const project = await KINDS[kind].make('ml_adopt_kill_ref');
    try {
      const r = await cli([...KINDS[kind].args], project.p.dir, project.env);
      expect(r.stderr).toBe('');
      reference = await endState(project, kind);
      expect(reference.order).toEqual(KINDS[kind].order);
      expect(reference.rows).toEqual(KINDS[kind].rows);
    } finally {
      project.p.remove();
    }
  }, 60_000);

  it.each(STEPS.filter(([k]) => k === kind).map(([, s]) => s))(
    'killed at %s: status says what to do, the next adopt ends exactly as an uninterrupted one',
    async (step) => {
      const project = await KINDS[kind].make('ml_adopt_kill');
      const { p, db, env } = project;
      const marker = `${p.dir}.stopped`; // outside the work tree
      try {
        const before = await theirs(db, kind);
        const child = startAdopt(project, kind, step, marker, 'ignore');
        const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
        await until(() => existsSync(marker) || child.exitCode !== null, `adopt to reach ${step}`);
        expect(child.exitCode, 'adopt ended before the step').toBeNull();
        child.kill('SIGKILL');
        expect(await exited).toBe('SIGKILL');

        const journal = existsSync(join(p.migrations, JOURNAL));
        expect(journal).toBe(step !== 'recorded');
        const status = await cli(['status', '-table', KINDS[kind].table], p.dir, env);
        expect(status.code).toBe(1);
        if (journal) {
          expect(status.stderr).toContain(`${JOURNAL}: an adopt was interrupted here; run the same adopt command again, which puts the folder back (or finishes) first`);
        } else {
          // Killed before touching the folder: the names are the other tool's still, and status says how to adopt them.
          expect(status.stderr).toMatch(KINDS[kind].untouched);
          expect((await db.query(`SELECT to_regclass('${KINDS[kind].table}')::text AS t`))[0].t).toBeNull();
        }

        const again = await cli([...KINDS[kind].args], p.dir, env);
        expect(again.stderr).toBe('');
        expect(again.code).toBe(0);
        if (step === 'committed') expect(again.stdout).toContain(KINDS[kind].again);
        expect(existsSync(join(p.migrations, JOURNAL))).toBe(false);
        expect(await endState(project, kind)).toEqual(reference);
        expect(await theirs(db, kind)).toEqual(before);
      } finally {
        p.remove();
        rmSync(marker, { force: true });
      }
    },
    60_000,
  );

  it('output closed half-way (like `| head -1`): the adoption still completes, and a second run changes nothing', async () => {
    const project = await KINDS[kind].make('ml_adopt_pipe');
    const marker = `${project.p.dir}.stopped`;
    try {
      const child = startAdopt(project, kind, 'change:1', marker, 'pipe');
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      await until(() => existsSync(marker), 'adopt to reach change:1');
      child.stdout!.destroy();
      rmSync(marker);
      await exited;
      expect(stderr).not.toMatch(/EPIPE|Unhandled|\n\s+at /);
      expect(existsSync(join(project.p.migrations, JOURNAL))).toBe(false);
      expect(await endState(project, kind)).toEqual(reference);
      const again = await cli([...KINDS[kind].args], project.p.dir, project.env);
      expect(again.stdout).toContain(KINDS[kind].again);
      expect(await endState(project, kind)).toEqual(reference);
    } finally {
      project.p.remove();
      rmSync(marker, { force: true });
    }
  }, 60_000);
});

describe('adopt in a git work tree: the index as git mv leaves it, nothing else staged', () => {
  it('renames staged as R (a user edit stays unstaged), unrelated changes untouched, names with pattern characters and non-ASCII letters', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ml-adopt-git-'));
    const git = (...args: string[]) => execGit(dir, args);
    try {
      const db = await database('ml_adopt_git');
      const up = (t: string) => `-- +migrate Up\nCREATE TABLE ${t} (id int);\n\n-- +migrate Down\nDROP TABLE ${t};\n`;
      const files: Record<string, string> = {
        'migrations/1_init.sql': up('init'),
        'migrations/2_[draft]*.sql': up('draft'),
        'migrations/3_créer_utilisateurs.sql': up('utilisateurs'),
        'migrations/4_später.sql': up('spaeter'),
        'app/main.go': 'package main\n',
        'notes.txt': 'notes\n',
      };
      for (const [name, text] of Object.entries(files)) {
        mkdirSync(join(dir, name, '..'), { recursive: true });
        writeFileSync(join(dir, name), text);
      }
      git('init', '-q');
      git('add', '.');
      git('commit', '-qm', 'project');
      // The user's own work in progress: an edit in the work tree, a staged edit, a new file, an edit of a migration.
      writeFileSync(join(dir, 'app/main.go'), 'package main\n\nfunc main() {}\n');
      writeFileSync(join(dir, 'notes.txt'), 'notes, staged\n');
      git('add', 'notes.txt');
      writeFileSync(join(dir, 'todo.txt'), 'untracked\n');
      writeFileSync(join(dir, 'migrations/1_init.sql'), up('init') + '-- a note not yet staged\n');
      const before = git('status', '--porcelain');

      await db.query(GORP);
      await db.query(`INSERT INTO gorp_migrations (id, applied_at) VALUES ('1_init.sql', now()), ('2_[draft]*.sql', now()), ('3_créer_utilisateurs.sql', now())`);
      for (const t of ['init', 'draft', 'utilisateurs']) await db.query(`CREATE TABLE ${t} (id int)`);
      const env = { DATABASE_URL: db.url };

      const r = await cli(['adopt', '-from', 'sql-migrate', '--rename'], dir, env);
      expect(r.stderr).toBe('');
      expect(r.stdout).toMatch(/ {2}1_init\.sql -> \d{14}_init\.sql\n {2}2_\[draft\]\*\.sql -> \d{14}_draft\.sql\n {2}3_créer_utilisateurs\.sql -> \d{14}_cr_er_utilisateurs\.sql\n {2}4_später\.sql -> \d{14}_sp_ter\.sql\n/);
      const status = withoutVersions(git('-c', 'core.quotepath=off', 'status', '--porcelain')).split('\n').filter(Boolean).sort();
      expect(status).toEqual([
        ' M app/main.go',
        'M  notes.txt',
        'R  migrations/2_[draft]*.sql -> migrations/V_draft.sql',
        'R  migrations/3_créer_utilisateurs.sql -> migrations/V_cr_er_utilisateurs.sql',
        'R  migrations/4_später.sql -> migrations/V_sp_ter.sql',
        // git mv keeps an unstaged edit unstaged: the rename is staged, the edit is not.
        'RM migrations/1_init.sql -> migrations/V_init.sql',
        '?? todo.txt',
      ].sort());
      // Outside the migrations folder nothing moved in the index.
      const outside = (s: string) => s.split('\n').filter((l) => l && !l.includes('migrations/')).sort();
      expect(outside(git('status', '--porcelain'))).toEqual(outside(before));
      expect(git('diff', '--cached', '--name-only', '--', 'app', 'notes.txt', 'todo.txt').trim()).toBe('notes.txt');

      const rows = await db.query<{ name: string; note: string }>(`SELECT name, note FROM schema_migrations ORDER BY version`);
      expect(rows.map((x) => x.name)).toEqual(['init', 'draft', 'cr_er_utilisateurs']);
      expect(rows[2].note).toMatch(/^adopted from sql-migrate \(id 3_créer_utilisateurs\.sql\) at /);
      // The applied edit of 1_init.sql is what was recorded (it is the file as it is now).
      const up4 = await cli(['up'], dir, env);
      expect(up4.stdout).toMatch(/Applied \d{14}_sp_ter/);
      expect((await cli(['adopt', '-from', 'sql-migrate', '--rename'], dir, env)).stdout).toContain('Nothing to adopt: all 3 entries');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

function execGit(dir: string, args: string[]): string {
  return execFileSync('git', args, {
    cwd: dir,
    env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' },
  }).toString();
}
