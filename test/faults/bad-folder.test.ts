// Nothing is applied from a folder that does not validate: every folder of the broken corpus holds a good
// migration that sorts before the broken file; `up` must refuse the whole folder and leave the database
// exactly as it was: no tables, no history. Every case goes through the engine in this process; every
// fourth one (and the generated ones) also through the CLI as a process, for its one-line message.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { isOneCleanLine, runCli } from '../support/cli';
import { createDatabase, getServer, type PgServer, type TestDatabase } from '../support/pg';
import { Migrator, openDatabase, ParseError } from '../../src/engine/internal';
import { corpusCases, type Expected } from '../unit/badinput/corpus';
import { inspect } from './state';

const WORKERS = 4;
let server: PgServer;
const databases: TestDatabase[] = [];
const scratch = mkdtempSync(join(tmpdir(), 'ml-bad-folder-'));

beforeAll(async () => {
  server = await getServer();
  for (let i = 0; i < WORKERS; i++) databases.push(await createDatabase(server, 'ml_fault_bad'));
});
afterAll(async () => {
  for (const db of databases) await db.drop();
  await server?.close();
  rmSync(scratch, { recursive: true, force: true });
});

interface Case {
  name: string;
  dir: string;
  expected: Expected;
}

function generatedCases(): Case[] {
  const good = '-- +migrate Up\nCREATE TABLE good_first (id int);\n';
  const make = (name: string) => {
    const dir = join(scratch, name);
    mkdirSync(dir);
    writeFileSync(join(dir, '20240101000000_good_first.sql'), good);
    return dir;
  };
  const loop = make('symlink-loop');
  symlinkSync('20240102000000_loop.sql', join(loop, '20240102000000_loop.sql'));
  const huge = make('huge-line');
  writeFileSync(join(huge, '20240102000000_huge.sql'), `-- +migrate Up\nSELECT 1;\nSELECT '${'z'.repeat(3_000_000)};\n`);
  return [
    { name: 'generated: symlink loop', dir: loop, expected: { file: '20240102000000_loop.sql', line: 0, message: 'ELOOP' } },
    { name: 'generated: 3 MB line, unterminated quote', dir: huge, expected: { file: '20240102000000_huge.sql', line: 3, message: 'unterminated quoted string' } },
  ];
}

async function checkEngine(c: Case, db: TestDatabase): Promise<string[]> {
  const problems: string[] = [];
  const session = await openDatabase({ kind: 'url', url: db.url, description: db.name });
  try {
    await new Migrator({ db: session, migrationsDir: c.dir, useGlobalRegistry: false }).up();
    problems.push('up succeeded');
  } catch (err) {
    if (!(err instanceof ParseError)) problems.push(`threw ${String(err)} instead of a ParseError`);
    else if (err.file !== join(c.dir, c.expected.file) || err.line !== c.expected.line) problems.push(`error at ${err.file}:${err.line}`);
  } finally {
    await session.close();
  }
  const state = await inspect(db);
  if (state.tables.length) problems.push(`tables appeared: ${state.tables.join(', ')}`);
  return problems.map((p) => `${c.name} (engine): ${p}`);
}

async function checkCli(c: Case, db: TestDatabase): Promise<string[]> {
  const problems: string[] = [];
  const r = await runCli(['up', '-migrations', c.dir], { env: { DATABASE_URL: db.url } });
  const file = join(c.dir, c.expected.file);
  const where = c.expected.line > 0 ? `${file}:${c.expected.line}: ` : `${file}: `;
  if (r.code !== 1) problems.push(`exit code ${r.code}`);
  if (!isOneCleanLine(r.stderr)) problems.push(`stderr is not one clean line: ${JSON.stringify(r.stderr.slice(0, 300))}`);
  if (!r.stderr.startsWith(`error: ${where}`)) problems.push(`stderr does not start with "error: ${where}": ${JSON.stringify(r.stderr.slice(0, 300))}`);
  if (!new RegExp(c.expected.message, 'i').test(r.stderr)) problems.push(`stderr does not match /${c.expected.message}/`);
  if (r.stdout.includes('Applied')) problems.push(`stdout reports applying something: ${r.stdout}`);
  const state = await inspect(db);
  if (state.tables.length) problems.push(`tables appeared: ${state.tables.join(', ')}`);
  if (state.advisoryLocks) problems.push('an advisory lock is still held');
  return problems.map((p) => `${c.name}: ${p}`);
}

describe('up on a folder that does not validate', () => {
  test('applies nothing, for every broken folder of the corpus and the generated ones', async () => {
    const corpus: Case[] = corpusCases();
    const generated = generatedCases();
    expect(corpus.length + generated.length).toBeGreaterThanOrEqual(42);
    const jobs = [
      ...[...corpus, ...generated].map((c) => (db: TestDatabase) => checkEngine(c, db)),
      ...[...corpus.filter((_, i) => i % 4 === 0), ...generated].map((c) => (db: TestDatabase) => checkCli(c, db)),
    ];
    const problems: string[] = [];
    await Promise.all(
      databases.map(async (db) => {
        for (let job = jobs.shift(); job; job = jobs.shift()) problems.push(...(await job(db)));
      }),
    );
    expect(problems).toEqual([]);
  });

  test('dry-run and status refuse a broken folder the same way', async () => {
    const [c] = corpusCases().filter((x) => x.name.includes('unterminated-dollar-quote'));
    for (const args of [['up', '--dry-run'], ['status'], ['down', '--dry-run']]) {
      const r = await runCli([...args, '-migrations', c.dir], { env: { DATABASE_URL: databases[0].url } });
      expect(r.code, args.join(' ')).toBe(1);
      expect(isOneCleanLine(r.stderr)).toBe(true);
      expect(r.stderr).toContain(`${join(c.dir, c.expected.file)}:${c.expected.line}: unterminated dollar quote`);
    }
    expect((await inspect(databases[0])).tables).toEqual([]);
  });
});
