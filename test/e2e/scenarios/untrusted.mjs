// Restricted Mode: the workspace is not trusted, so nothing may touch the database,
// while reading and highlighting keep working.
import fs from 'node:fs';
import path from 'node:path';
import { assert, eventually } from '../lib/assert.mjs';
import { trackingRows } from '../lib/database.mjs';

export async function untrustedScenarios({ report, wb, ws, db }) {
  const [first] = ws.files;

  const restricted = await report.check('untrusted folder opens in Restricted Mode', async () => {
    await eventually(async () => {
      const items = await wb.page.locator('.part.statusbar .statusbar-item').allInnerTexts();
      return items.some((t) => /Restricted Mode/i.test(t));
    }, { timeout: 45_000, what: 'the "Restricted Mode" status bar item' });
  });
  if (!restricted) {
    report.blocked('database actions unavailable when untrusted', 'the workspace is not in Restricted Mode');
    return;
  }

  await report.check('untrusted: migration files still open with directive highlighting', async () => {
    await wb.openFile(first);
    const tokens = await eventually(async () => {
      const t = await wb.lineTokens('+migrate Up');
      return new Set(t.filter(([x]) => x.trim()).map(([, c]) => c)).size > 1 ? t : null;
    }, { timeout: 30_000, what: 'distinct directive tokens' });
    assert(tokens.length > 1, JSON.stringify(tokens));
  });

  await report.check('untrusted: database actions are unavailable and the database stays untouched', async () => {
    const offered = await wb.paletteOptions('Migrate Lens: Up');
    const upOffered = offered.some((o) => /^Migrate Lens: Up\b/.test(o) && !/Run Up to Here/.test(o));
    const attempts = [];
    if (upOffered) {
      await wb.runCommand('Migrate Lens: Up');
      attempts.push('palette Up');
    }
    await wb.openFile(first);
    const lens = wb.codeLens('Run Up');
    if (await lens.isVisible().catch(() => false)) {
      await lens.click();
      attempts.push('Run Up lens');
    }
    // Give an (incorrectly) running migration time to reach the database.
    await wb.page.waitForTimeout(4_000);
    const rows = await trackingRows(db);
    const tables = await db.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public'`);
    assert(rows.length === 0 && tables.length === 0,
      `after ${attempts.join(', ') || 'no attempt'} the database has tables ${JSON.stringify(tables)} rows ${JSON.stringify(rows)}`);
    // The workspace's connection setting is ignored when untrusted; falling back to the embedded database is no better.
    assert(!fs.existsSync(path.join(ws.dir, '.migrate-lens')), 'an embedded database was created in the untrusted workspace');
    if (attempts.length) {
      const notes = await wb.notifications();
      report.log('  untrusted attempts:', attempts.join(', '), '- notifications:', JSON.stringify(notes));
    } else {
      report.log('  untrusted: neither "Migrate Lens: Up" nor a "Run Up" lens is offered');
    }
  });
}
