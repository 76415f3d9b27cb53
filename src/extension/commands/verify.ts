// "Verify Migrations": the engine's verify on a throwaway PGlite, with progress; its result as a
// diagnostic on the offending migration's Down line.
import { relative } from 'node:path';
import * as vscode from 'vscode';
import { errorText } from '../controller';
import { loadEngine } from '../database-session';
import type { Folders } from '../folders';
import { DIAGNOSTIC_SOURCE } from '../model/diagnostics-model';
import { verifyDiagnostic, verifySummary } from '../model/verify-result';
import { requireTrust } from '../runner';

let collection: vscode.DiagnosticCollection | undefined;

/** verify's own entries: the folder's diagnostics are rewritten from the model, these only by the next verify. */
export function verifyDiagnostics(): vscode.DiagnosticCollection {
  return (collection ??= vscode.languages.createDiagnosticCollection(`${DIAGNOSTIC_SOURCE}-verify`));
}

export function disposeVerifyDiagnostics(): void {
  collection?.dispose();
  collection = undefined;
}

export const verify = (folders: Folders) => async (arg?: unknown): Promise<unknown> => {
  if (!requireTrust()) return undefined;
  const ctrl = await folders.choose('Verify migrations', arg);
  if (!ctrl) return undefined;
  const diagnostics = verifyDiagnostics();
  diagnostics.clear();
  try {
    const settings = await ctrl.resolveSettings(false);
    const engine = await loadEngine();
    ctrl.log.info(`Verify: folder ${settings.migrationsDir}, on a throwaway PGlite database (in memory)`);
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Migrate Lens: Verify Migrations', cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        progress.report({ message: 'starting PGlite...' });
        await engine.loadRequiredModules(settings.require);
        const target = await engine.openThrowawayPglite();
        let steps = 0;
        try {
          return await engine.verifyMigrations({
            db: target.db,
            migrationsDir: settings.migrationsDir,
            table: settings.table,
            schema: settings.schema,
            signal: abort.signal,
            onProgress: (p) => {
              const what = p.phase === 'reapply' ? 'applying everything again' : `${p.phase === 'up' ? 'Up' : 'Down'} ${p.version}_${p.name}`;
              // Every migration's Up, then its Down, then one more pass.
              const total = 2 * p.total + 1;
              progress.report({ message: what, increment: steps++ ? 100 / total : 0 });
            },
          });
        } finally {
          await target.dispose();
        }
      },
    );
    const root = ctrl.root.uri.fsPath;
    const summary = verifySummary(result, (p) => relative(root, p));
    ctrl.log.info(`Verify: ${summary}`);
    const spec = verifyDiagnostic(result);
    if (spec) {
      const d = new vscode.Diagnostic(new vscode.Range(spec.line, 0, spec.line, Number.MAX_SAFE_INTEGER), spec.message, vscode.DiagnosticSeverity.Error);
      d.source = DIAGNOSTIC_SOURCE;
      d.code = 'verify';
      diagnostics.set(vscode.Uri.file(spec.path), [d]);
    }
    if (result.ok || result.cancelled) void vscode.window.showInformationMessage(`Migrate Lens: ${summary}`);
    else {
      void vscode.window.showErrorMessage(`Migrate Lens: ${summary}`, ...(spec ? ['Open File'] : [])).then(async (choice) => {
        if (choice && spec) await vscode.window.showTextDocument(vscode.Uri.file(spec.path), { selection: new vscode.Range(spec.line, 0, spec.line, 0) });
      });
    }
    return result;
  } catch (err) {
    const message = errorText(err);
    ctrl.log.error(`Verify failed: ${message}`);
    void vscode.window.showErrorMessage(`Migrate Lens: Verify failed: ${message}`);
    return undefined;
  }
};
