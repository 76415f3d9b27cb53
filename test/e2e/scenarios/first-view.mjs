// Zero configuration: no connection anywhere, so the embedded PGlite database in .migrate-lens/ is
// used, and its first start takes seconds. The view must list the files at once, say what it is
// waiting for, and fill in the statuses when the database answers; never "no data provider".
import fs from 'node:fs';
import path from 'node:path';
import { assert, eventually } from '../lib/assert.mjs';
import { parseFileName } from '../lib/workspace.mjs';

const NO_PROVIDER = /There is no data provider registered/;
const FIRST_TIME = 'Starting the embedded database (first time only)';
const STARTING = 'Starting the embedded database…';

const label = (f) => { const { version, name } = parseFileName(f); return `${version} ${name}`; };

/** What the Migrations view shows now: its rows and all its text. */
async function sample(wb) {
  const sidebar = wb.page.locator('.part.sidebar');
  const text = (await sidebar.innerText().catch(() => '')).replace(/\u00a0/g, ' ');
  const rows = await wb.sideBarTreeItems().catch(() => []);
  return { t: Date.now(), text, rows };
}

/**
 * Opens the workbench and the Migrations view as early as the activity bar allows, then samples the
 * view every 100 ms until `done(sample)`; returns the samples and when the view was opened.
 */
async function watchFirstView(wb, url, done, timeout = 120_000) {
  await wb.open(url);
  await wb.showContainer('Migrations');
  const opened = Date.now();
  const samples = [];
  const deadline = opened + timeout;
  for (;;) {
    const s = await sample(wb);
    samples.push(s);
    if (done(s)) return { opened, samples };
    if (Date.now() > deadline) {
      const last = samples[samples.length - 1];
      throw new Error(`timed out after ${timeout} ms; the view shows ${JSON.stringify(last.rows)} and ${JSON.stringify(last.text.slice(0, 400))}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The distinct states the view went through, with their time after it was opened (for failure messages). */
function timeline(opened, samples) {
  const out = [];
  for (const s of samples) {
    const state = `${s.text.replace(/\s+/g, ' ').slice(0, 160)} | ${s.rows.join('; ')}`;
    if (out.length === 0 || out[out.length - 1].state !== state) out.push({ at: s.t - opened, state });
  }
  return out.map((x) => `+${x.at} ms: ${x.state}`).join('\n      ');
}

/**
 * VS Code shows "There is no data provider registered" for a tree view opened before it has taken in
 * the extension's contributions (about 1-3 s after a cold window shows, on a busy machine); nothing of
 * the extension runs before that. From the moment the view shows anything of ours (the welcome text or
 * the files), the message must never come back. Returns how long the early phase lasted, for the log.
 */
function assertNoProviderMessageOnceOurs(opened, samples) {
  const ours = samples.findIndex((s) => /Reading the migrations folder|Starting the embedded database|\d{14} /.test(s.text));
  assert(ours >= 0, `the view never showed anything of the extension:\n      ${timeline(opened, samples)}`);
  const late = samples.slice(ours).filter((s) => NO_PROVIDER.test(s.text));
  assert(late.length === 0, `the view said "There is no data provider registered" after showing the extension's content:\n      ${timeline(opened, samples)}`);
  const early = samples.slice(0, ours).filter((s) => NO_PROVIDER.test(s.text));
  return early.length ? early[early.length - 1].t - opened : 0;
}

const listsAll = (s, files) => files.every((f) => s.rows.some((r) => r.startsWith(label(f) + ' ')));
const allPending = (s, files) => files.every((f) => s.rows.includes(`${label(f)} pending`));

/** `newWorkbench()`: a Workbench on a fresh browser page (the runner closes the previous one). */
export async function firstViewScenarios({ report, server, ws, newWorkbench }) {
  const { files } = ws;
  const dataDir = path.join(ws.dir, '.migrate-lens', 'pglite');

  // The workbench is closed (its server stopped) while the embedded database starts for the first
  // time; the next start must still work and say it is the first one.
  const interrupted = await report.check('firstview: the files are listed at once while the embedded database starts; closing the workbench then is harmless', async () => {
    const { opened, samples } = await watchFirstView(await newWorkbench(), server.url(ws.dir), (s) => s.text.includes(FIRST_TIME) && listsAll(s, files));
    const listed = samples.find((s) => listsAll(s, files));
    report.log(`  files listed ${listed.t - opened} ms after the view opened; the first-start message with them`);
    const flash = assertNoProviderMessageOnceOurs(opened, samples);
    report.log(`  VS Code's own "no data provider" text until +${flash} ms (before it took in the extension's contributions)`);
    await server.stop();
  });
  if (!interrupted) return;

  await report.check('firstview: after that, the next start lists the files, says the database is starting (first time unless the stopped start had written it), then shows the statuses', async () => {
    // The stop lands wherever the first start has got to: before the database was written (PGlite
    // writes its files at the end of the first start, PG_VERSION among them), or, when stopping the
    // workbench takes a while, after. "First time" holds exactly while PG_VERSION is not there.
    const written = fs.existsSync(path.join(dataDir, 'PG_VERSION'));
    report.log(written ? '  the stopped first start had written the database: the next start is not the first' : '  the workbench stopped before the database was written: the next start is still the first');
    await server.start(ws.dir);
    const page = await newWorkbench();
    const { opened, samples } = await watchFirstView(page, server.url(ws.dir), (s) => allPending(s, files));
    const listed = samples.find((s) => listsAll(s, files));
    const ready = samples.find((s) => allPending(s, files));
    report.log(`  files listed ${listed.t - opened} ms after the view opened, statuses after ${ready.t - opened} ms (${samples.length} samples)`);
    report.log(`  the view went through:\n      ${timeline(opened, samples)}`);
    // Between the welcome text and the files the view is blank at most for a moment (printed).
    const welcome = samples.find((s) => /Reading the migrations folder/.test(s.text));
    const blank = samples.filter((s) => welcome && s.t > welcome.t && s.t < listed.t && !/Reading the migrations folder/.test(s.text));
    report.log(`  blank between the welcome text and the files: ${blank.length ? blank[blank.length - 1].t - blank[0].t + 100 : 0} ms`);
    const flash = assertNoProviderMessageOnceOurs(opened, samples);
    report.log(`  VS Code's own "no data provider" text until +${flash} ms (before it took in the extension's contributions)`);
    assert(listed.t < ready.t, 'the files were not listed before the statuses were known');
    const waiting = samples.filter((s) => s.t < ready.t && listsAll(s, files));
    const shown = JSON.stringify([...new Set(waiting.map((s) => s.text))].slice(0, 5));
    if (written) {
      assert(waiting.some((s) => s.text.includes(STARTING)), `"${STARTING}" was never shown; before the statuses the view showed ${shown}`);
      assert(!waiting.some((s) => s.text.includes(FIRST_TIME)), `"${FIRST_TIME}" was shown though the database was already written; the view showed ${shown}`);
    } else {
      assert(waiting.some((s) => s.text.includes(FIRST_TIME)), `"${FIRST_TIME}" was never shown; before the statuses the view showed ${shown}`);
    }
    assert(fs.existsSync(path.join(dataDir, 'PG_VERSION')), `no database in ${dataDir}`);
    assert(/^\*$/m.test(fs.readFileSync(path.join(ws.dir, '.migrate-lens', '.gitignore'), 'utf8')), '.migrate-lens/.gitignore does not ignore everything');
    // Once the statuses are in, the message is gone.
    await eventually(async () => !(await sample(page)).text.includes('Starting the embedded database'), { timeout: 10_000, what: 'the starting message to go' });
    await page.runCommand('Migrate Lens: Up');
    // Applied migrations sit in a collapsed "Batch 1" group; the status bar counts what is pending.
    await eventually(async () => (await page.sideBarTreeItems()).some((r) => r.startsWith(`Batch 1 ${files.length} migrations`))
      && (await page.page.locator('.part.statusbar').innerText()).includes('embedded PGlite at .migrate-lens/pglite · 0 pending'),
    { timeout: 120_000, what: 'every migration applied on the embedded database (Batch 1, 0 pending)' });
  });
}
