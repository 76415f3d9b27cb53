// "Adopt History from sql-migrate" through the workbench: a project that the real sql-migrate (the
// Debian package) has been migrating, opened in VS Code. The view says what it found, the command
// shows the dry-run mapping in an editor, asks in a modal dialog naming the database (Cancel changes
// nothing), and "Adopt" writes our rows, renames the files with git mv, and leaves gorp_migrations
// as it was; the tree then shows the adopted migrations as applied and the rest as pending.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { assert, assertMatch, eventually } from '../lib/assert.mjs';
import { trackingRows } from '../lib/database.mjs';

const COMMAND = 'Migrate Lens: Adopt History from Another Tool';
/** sql-migrate's order: 1_init, 2_profiles, 10_touch, then the dated names; the first three are applied. */
const APPLIED = ['1_init.sql', '2_profiles.sql', '10_touch.sql'];
const PENDING = ['2023-01-20.0-audit.sql', '2023-01-20.1-audit-index.sql'];

const gitEnv = { ...process.env, GIT_AUTHOR_NAME: 'e2e', GIT_AUTHOR_EMAIL: 'e2e@example.com', GIT_COMMITTER_NAME: 'e2e', GIT_COMMITTER_EMAIL: 'e2e@example.com' };
const git = (dir, ...args) => execFileSync('git', args, { cwd: dir, env: gitEnv }).toString();

export function hasSqlMigrate() {
  try {
    execFileSync('sql-migrate', ['--version'], { stdio: 'ignore' });
    return true;
  } catch (err) {
    return err.code !== 'ENOENT' && err.status !== undefined;
  }
}

/**
 * Before the workbench opens: the workspace is a git work tree holding the fixture, and sql-migrate
 * has applied the first three files (creating gorp_migrations itself).
 */
export function prepareAdoptProject({ ws, db, root }) {
  git(ws.dir, 'init', '-q');
  git(ws.dir, 'add', '.');
  git(ws.dir, 'commit', '-qm', 'a project sql-migrate migrates');
  const u = new URL(db.url);
  const config = path.join(root, 'adopt-dbconfig.yml');
  fs.writeFileSync(config, [
    'development:',
    '  dialect: postgres',
    `  datasource: host=${u.hostname} port=${u.port || 5432} user=${decodeURIComponent(u.username)}${u.password ? ` password=${decodeURIComponent(u.password)}` : ''} dbname=${db.name} sslmode=disable`,
    `  dir: ${ws.migrationsDir}`,
    '',
  ].join('\n'));
  execFileSync('sql-migrate', ['up', '-limit=3', `-config=${config}`], { cwd: ws.dir, stdio: 'pipe' });
}

export async function adoptScenarios({ report, wb, ws, db }) {
  const gorp = () => db.query(`SELECT id, applied_at FROM gorp_migrations ORDER BY id`);
  const before = await gorp();
  const files = () => fs.readdirSync(ws.migrationsDir).sort();
  const original = files();

  const offered = await report.check('adopt: the view says the database holds sql-migrate\'s history and none of ours', async () => {
    assert(before.map((r) => r.id).join() === ['10_touch.sql', '1_init.sql', '2_profiles.sql'].join(), `gorp_migrations: ${JSON.stringify(before)}`);
    await wb.showContainer('Migrations');
    await wb.resizeSideBar(540);
    const message = wb.page.locator('.part.sidebar').getByText(/holds sql-migrate's history/).first();
    await message.waitFor({ timeout: 60_000 });
    assertMatch(await message.innerText(), /This database holds sql-migrate's history \(gorp_migrations\) and none of Migrate Lens's: use "Adopt History from sql-migrate"/, 'view message');
  });
  if (!offered) {
    for (const n of ['mapping and confirmation', 'cancel', 'adopt']) report.blocked(`adopt: ${n}`, 'no adopt offer in the view');
    return;
  }

  /** Runs the command; waits for the mapping editor and the modal; returns both texts. */
  async function startAdopt() {
    await wb.runCommand(COMMAND);
    const mapping = await eventually(async () => {
      const t = await wb.editorText().catch(() => '');
      return /Would adopt/.test(t) && /Nothing was changed \(--dry-run\)\./.test(t) ? t : null;
    }, { timeout: 30_000, what: 'the dry-run mapping in an editor' });
    const dialog = await wb.dialogText();
    return { mapping, dialog };
  }

  await report.check('adopt: the dry-run mapping comes first, then a modal naming the database; Cancel changes nothing', async () => {
    const { mapping, dialog } = await startAdopt();
    assertMatch(mapping, /^Would adopt 3 entries of "public"\."gorp_migrations" \(sql-migrate\) into "public"\."schema_migrations" as applied, batch 1:$/m, 'mapping header');
    assertMatch(mapping, /^SQL-MIGRATE ID\s+VERSION\s+FILE\s+APPLIED AT$/m, 'mapping columns');
    for (const id of APPLIED) assertMatch(mapping, new RegExp(`^${id.replace('.', '\\.')}\\s+(\\d{14})\\s+\\1_\\w+\\.sql\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d$`, 'm'), `mapping row of ${id}`);
    assertMatch(mapping, /^Would change 5 files \(git mv\):$/m, 'the renames');
    assertMatch(mapping, /^Pending \(not applied by sql-migrate\): \d{14}_2023-01-20_0-audit\.sql, \d{14}_2023-01-20_1-audit-index\.sql$/m, 'what stays pending');
    assert(dialog.includes(`Adopt 3 applied migrations of sql-migrate on `) && dialog.includes(db.name), `the dialog names the database ${db.name}: ${JSON.stringify(dialog)}`);
    assert(dialog.includes('and rename or convert 5 files (git mv)?'), `the dialog says what happens to the files: ${JSON.stringify(dialog)}`);
    assert(dialog.includes('Nothing is run and "public"."gorp_migrations" is not changed'), `the dialog says nothing runs: ${JSON.stringify(dialog)}`);
    await wb.answerDialog('Cancel');
    await wb.page.locator('.monaco-dialog-box').waitFor({ state: 'detached', timeout: 10_000 });
    assert(JSON.stringify(files()) === JSON.stringify(original), `files changed after Cancel: ${JSON.stringify(files())}`);
    assert((await trackingRows(db)).length === 0, 'tracking rows after Cancel');
    const table = await db.query(`SELECT to_regclass('public.schema_migrations')::text AS t`);
    assert(table[0].t === null, 'schema_migrations created after Cancel');
  });

  await report.check('adopt: "Adopt" records them as applied, renames with git mv, gorp_migrations untouched, the tree shows applied', async () => {
    const { dialog } = await startAdopt();
    assert(dialog.includes(db.name), `dialog: ${dialog}`);
    await wb.answerDialog('Adopt');
    const rows = await eventually(async () => { const r = await trackingRows(db); return r.length === 3 ? r : null; }, { timeout: 30_000, what: 'three tracking rows' });
    assert(rows.every((r) => r.status === 'applied' && Number(r.batch) === 1), `rows: ${JSON.stringify(rows)}`);
    const notes = await db.query(`SELECT name, note FROM schema_migrations ORDER BY version`);
    assert(JSON.stringify(notes.map((n) => n.name)) === JSON.stringify(['init', 'profiles', 'touch']), `names: ${JSON.stringify(notes)}`);
    for (const [i, n] of notes.entries()) assertMatch(n.note, new RegExp(`^adopted from sql-migrate \\(id ${APPLIED[i].replace('.', '\\.')}\\) at `), 'note');
    assert(JSON.stringify(await gorp()) === JSON.stringify(before), 'gorp_migrations changed');

    const now = files();
    assert(now.length === 5 && now.every((f) => /^\d{14}_[\w-]+\.sql$/.test(f)), `files: ${JSON.stringify(now)}`);
    assert(JSON.stringify(now.map((f) => f.slice(15))) === JSON.stringify(['init.sql', 'profiles.sql', 'touch.sql', '2023-01-20_0-audit.sql', '2023-01-20_1-audit-index.sql']), `order: ${JSON.stringify(now)}`);
    const status = git(ws.dir, 'status', '--porcelain').split('\n').filter(Boolean);
    assert(status.length === 5 && status.every((l) => l.startsWith('R  migrations/')), `git status: ${JSON.stringify(status)}`);

    // The view groups them: the adopted three as batch 1 (applied), the other two pending.
    const label = (f) => `${f.slice(0, 14)} ${f.slice(15, -4)}`;
    let items = [];
    const treeShows = async (what, ok) => {
      try {
        await eventually(async () => { items = await wb.sideBarTreeItems(); return ok(items); }, { timeout: 30_000, what });
      } catch (err) {
        throw new Error(`${err.message}; tree shows ${JSON.stringify(items)}`);
      }
    };
    await treeShows('batch 1 with 3 migrations and 2 pending', (rows) =>
      rows.some((r) => /^Batch 1 3 migrations · applied \d{4}-\d\d-\d\d \d\d:\d\d$/.test(r)) &&
      now.slice(3).every((f) => rows.includes(`${label(f)} pending`)) &&
      !rows.some((r) => /invalid/.test(r)));
    await wb.treeRow('Batch 1').click();
    await treeShows('the adopted three inside batch 1, applied', (rows) =>
      now.slice(0, 3).every((f) => rows.some((r) => new RegExp(`^${label(f)} applied \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d`).test(r))));
    await eventually(async () => (await wb.page.locator('.part.sidebar').getByText(/holds sql-migrate's history/).count()) === 0,
      { timeout: 15_000, what: 'the adopt offer to go away' });
    assert(PENDING.every((f) => !now.includes(f)), 'the pending files were renamed too');
  });
}
