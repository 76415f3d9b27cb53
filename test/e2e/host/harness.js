// Shared by the in-extension-host test files: named tests, waiting for states, results file.
'use strict';
const fs = require('node:fs');
const pg = require('pg');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls fn until it returns something truthy; the error names `what` and the last failure. */
async function eventually(fn, what, timeout = 30000) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? ': ' + last.message : ''}`);
    await sleep(200);
  }
}

async function query(url, sql, params) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(sql, params)).rows;
  } finally {
    await c.end();
  }
}

/** Tracking rows of a database ([] without the table). */
async function trackingRows(url) {
  const t = await query(url, `SELECT to_regclass('public.schema_migrations') AS t`);
  if (!t[0].t) return [];
  return query(url, `SELECT version::text AS version, name, status, batch FROM public.schema_migrations ORDER BY version`);
}

async function tableExists(url, table) {
  return (await query(url, `SELECT to_regclass($1) AS t`, [`public.${table}`]))[0].t !== null;
}

function suite() {
  const results = [];
  const test = async (name, fn) => {
    const t = Date.now();
    try {
      await fn();
      results.push({ name, ok: true, ms: Date.now() - t });
    } catch (err) {
      results.push({ name, ok: false, ms: Date.now() - t, error: String((err && err.stack) || err) });
    }
    const r = results[results.length - 1];
    console.log(`[host] ${r.ok ? 'PASS' : 'FAIL'} ${name}${r.ok ? '' : ' - ' + r.error.split('\n')[0]}`);
    return r.ok;
  };
  const finish = () => {
    const failed = results.filter((r) => !r.ok).length;
    const summary = `${results.length - failed} passed, ${failed} failed`;
    if (process.env.MIGRATE_LENS_E2E_RESULTS) {
      fs.writeFileSync(process.env.MIGRATE_LENS_E2E_RESULTS, JSON.stringify({ results, summary }, null, 2));
    }
    console.log(`[host] ${summary}`);
    if (failed) throw new Error(`${failed} in-extension-host tests failed`);
  };
  return { results, test, finish };
}

/** Asks the runner for a picture of the workbench as it is now, and waits until it is taken. */
async function screenshot(name) {
  const marker = require('node:path').join(require('node:os').tmpdir(), `migrate-lens-shot-${process.pid}-${name}-${Date.now()}`);
  console.log(`[host] screenshot ${marker}`);
  try {
    await eventually(() => fs.existsSync(marker), 'the screenshot', 20000);
  } finally {
    fs.rmSync(marker, { force: true });
  }
}

/** Asks the runner to type into the workbench (see workbenchKeys in run.mjs); resolves with what it read. */
async function workbenchKeys(steps) {
  const marker = require('node:path').join(require('node:os').tmpdir(), `migrate-lens-keys-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`);
  console.log(`[host] keys ${marker} ${JSON.stringify(steps)}`);
  try {
    const result = await eventually(() => fs.existsSync(marker) && JSON.parse(fs.readFileSync(marker, 'utf8')), 'the workbench to take the keys', 40000);
    if (!result.ok) throw new Error(`typing into the workbench: ${result.error}`);
    return result.out;
  } finally {
    fs.rmSync(marker, { force: true });
  }
}

module.exports = {
  workbenchKeys,
  screenshot, sleep, eventually, query, trackingRows, tableExists, suite };
