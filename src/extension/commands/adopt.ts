// "Adopt History from X": the dry-run mapping first (in an editor), then a confirmation naming the
// database, then adopt, then a refresh. Offered when the database holds another tool's history
// and none of ours (src/extension/model/adopt-offer.ts says so above the tree).
import * as vscode from 'vscode';
import type { Controller } from '../controller';
import { errorText } from '../controller';
import type { Folders } from '../folders';
import { requireTrust } from '../runner';
import { loadEngine } from '../database-session';
import { adoptOffer, adoptOfferMessage, type AdoptOffer } from '../model/adopt-offer';

const offers = new WeakMap<Controller, { key: string; rows: unknown; offer: Promise<AdoptOffer | null>; settled: AdoptOffer | null }>();

/**
 * Looks for another tool's history once per database (and table setting) while ours is empty; null
 * when there is none. `force`: also when the status could not be read (our table's name taken by theirs).
 */
export async function checkAdoptOffer(ctrl: Controller, force = false): Promise<AdoptOffer | null> {
  if (!ctrl.trusted || (!force && ctrl.model.connection.state !== 'connected')) return null;
  // Looked at again after every status read (a new rows array), never more often.
  const read = ctrl.model.historyRows;
  const rows = read?.length ?? 0;
  const settings = await ctrl.resolveSettings(false);
  const key = `${settings.connection.description} ${settings.schema}.${settings.table}`;
  const known = offers.get(ctrl);
  if (known?.key === key && known.rows === read) return known.offer;
  const entry = { key, rows: read as unknown, settled: known?.key === key ? known.settled : (null as AdoptOffer | null), offer: Promise.resolve<AdoptOffer | null>(null) };
  entry.offer = (async () => {
    // Ours holds rows now (after an adoption, or an up): no offer, and none left over from before,
    // or the view would keep showing it and ask again after every update.
    if (rows > 0) {
      entry.settled = null;
      return null;
    }
    const { detectForeignHistories } = await loadEngine();
    const found = await ctrl.withDatabase(await ctrl.resolveSettings(), (db) => detectForeignHistories(db, settings.schema));
    const offer = adoptOffer(found, rows, settings.table, settings.schema);
    entry.settled = offer;
    if (offer) ctrl.log.info(`adopt: ${adoptOfferMessage(offer)}`);
    return offer;
  })();
  entry.offer.catch(() => offers.delete(ctrl));
  offers.set(ctrl, entry);
  return entry.offer;
}

/** The offer as known (no database access): for the view message and the title-bar button. */
export function knownAdoptOffer(ctrl: Controller): AdoptOffer | null {
  return offers.get(ctrl)?.settled ?? null;
}

export { adoptOfferMessage };

export const adopt = (folders: Folders) => async (): Promise<unknown> => {
  if (!requireTrust()) return undefined;
  const candidates = folders.withMigrations.filter((c) => knownAdoptOffer(c));
  const ctrl = candidates.length === 1 ? candidates[0] : candidates.length ? await pick(candidates) : folders.withMigrations[0];
  if (!ctrl) return undefined;
  try {
    const offer = knownAdoptOffer(ctrl) ?? (await checkAdoptOffer(ctrl, true));
    if (!offer) {
      void vscode.window.showInformationMessage('Migrate Lens: no history of sql-migrate, goose, dbmate or golang-migrate found next to an empty Migrate Lens history.');
      return undefined;
    }
    const settings = await ctrl.resolveSettings();
    const engine = await loadEngine();
    const { adoptText } = await import('../../engine/adopt/text');
    const options = {
      from: offer.tool as 'sql-migrate',
      schema: settings.schema,
      table: settings.table,
      migrationsDir: settings.migrationsDir,
      fromTable: offer.tool === 'sql-migrate' ? settings.sqlMigrateTable : undefined,
    };
    // The mapping first: without renames when the names allow, else with them (and say so).
    let rename = false;
    let plan;
    try {
      plan = await ctrl.withDatabase(settings, (db) => engine.adopt(db, { ...options, dryRun: true }));
    } catch (err) {
      if (!/--rename/.test(errorText(err))) throw err;
      rename = true;
      plan = await ctrl.withDatabase(settings, (db) => engine.adopt(db, { ...options, dryRun: true, rename }));
    }
    const doc = await vscode.workspace.openTextDocument({ language: 'plaintext', content: adoptText(plan) });
    await vscode.window.showTextDocument(doc, { preview: true });
    if (plan.adopted.length === 0) return plan;
    const database = settings.connection.description;
    const renames = plan.changes.length ? ` and rename or convert ${plan.changes.length} file${plan.changes.length === 1 ? '' : 's'}${plan.git ? ' (git mv)' : ''}` : '';
    const button = 'Adopt';
    const choice = await vscode.window.showWarningMessage(
      `Adopt ${plan.adopted.length} applied migration${plan.adopted.length === 1 ? '' : 's'} of ${offer.tool} on ${database}${renames}?`,
      { modal: true, detail: `Nothing is run and ${plan.from} is not changed: Migrate Lens records them as applied in ${plan.table}. The mapping is in the editor.` },
      button,
    );
    if (choice !== button) {
      ctrl.log.info('adopt: not confirmed');
      return undefined;
    }
    const result = await ctrl.withDatabase(settings, (db) => engine.adopt(db, { ...options, rename }));
    ctrl.log.info(`adopt: ${adoptText(result)}`);
    void vscode.window.showInformationMessage(`Migrate Lens: adopted ${result.adopted.length} migrations of ${offer.tool} on ${database}.`);
    offers.delete(ctrl);
    await ctrl.refresh();
    return result;
  } catch (err) {
    const message = errorText(err);
    ctrl.log.error(`adopt failed: ${message}`);
    void vscode.window.showErrorMessage(`Migrate Lens: adopt failed: ${message}`);
    return undefined;
  }
};

async function pick(ctrls: Controller[]): Promise<Controller | undefined> {
  const chosen = await vscode.window.showQuickPick(ctrls.map((c) => ({ label: c.name, ctrl: c })), { placeHolder: 'Adopt the history of which folder?' });
  return chosen?.ctrl;
}
