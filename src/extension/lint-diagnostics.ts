// Lint findings on their lines while typing, in their own diagnostic collection, with quick fixes.
// The linter and its WebAssembly grammar load on the first migration file opened, never at activate.
import * as vscode from 'vscode';
import { normaliseText } from '../engine/text';
import type { Finding, LintOptions, ParseCache } from '../lint';
import type { Controller } from './controller';
import type { Folders } from './folders';
import type { Log } from './log';
import { LINT_SOURCE, lintDiagnostics, type LintDiagnosticSpec, type Place } from './model/lint-model';
import { editorLintOptions } from './model/lint-options';
import { readSettings } from './settings';

/** Quiet time after a keystroke before linting: typing never queues runs, only the last text is linted. */
const DEBOUNCE_MS = 250;

type LintModule = typeof import('../lint');
let loading: Promise<LintModule> | undefined;

function loadLint(): Promise<LintModule> {
  loading ??= import('../lint').then(async (lint) => {
    await lint.loadPgParser();
    return lint;
  });
  return loading;
}

interface DocumentState {
  cache: ParseCache | null;
  timer?: ReturnType<typeof setTimeout>;
  /** Bumped by every change: a run that finds it moved on publishes nothing. */
  generation: number;
  /** What the diagnostics on screen were computed from, for the quick fixes. */
  version: number;
  specs: LintDiagnosticSpec[];
}

export class LintDiagnostics implements vscode.CodeActionProvider, vscode.Disposable {
  static readonly providedCodeActionKinds = [vscode.CodeActionKind.QuickFix];
  private readonly collection = vscode.languages.createDiagnosticCollection(LINT_SOURCE);
  private readonly documents = new Map<string, DocumentState>();
  private readonly disposables: vscode.Disposable[] = [];
  /** Lint runs so far; the last one's time linting, and in all (with making and publishing the diagnostics). */
  readonly stats = { runs: 0, lastLintMs: 0, lastMs: 0 };

  constructor(
    private readonly folders: Folders,
    private readonly log: Log,
  ) {
    this.disposables.push(
      this.collection,
      vscode.workspace.onDidOpenTextDocument((doc) => this.schedule(doc, 0)),
      vscode.workspace.onDidChangeTextDocument((e) => e.contentChanges.length && this.schedule(e.document, DEBOUNCE_MS)),
      vscode.workspace.onDidCloseTextDocument((doc) => this.forget(doc.uri)),
      // A migrations folder found or moved (first read after activation, a settings change).
      folders.onDidChange(() => this.lintOpenDocuments()),
      vscode.languages.registerCodeActionsProvider({ language: 'sql', scheme: 'file' }, this, {
        providedCodeActionKinds: LintDiagnostics.providedCodeActionKinds,
      }),
    );
  }

  /** Lints every open migration file whose diagnostics are missing (after a folder change too). */
  private lintOpenDocuments(): void {
    for (const doc of vscode.workspace.textDocuments) {
      const state = this.documents.get(doc.uri.toString());
      if (!state) this.schedule(doc, 0);
      else if (!this.controllerOf(doc)) this.forget(doc.uri);
    }
  }

  private controllerOf(doc: vscode.TextDocument): Controller | undefined {
    if (doc.uri.scheme !== 'file' || !doc.uri.fsPath.toLowerCase().endsWith('.sql')) return undefined;
    return this.folders.forPath(doc.uri.fsPath);
  }

  private schedule(doc: vscode.TextDocument, delay: number): void {
    if (!this.controllerOf(doc)) return;
    const key = doc.uri.toString();
    let state = this.documents.get(key);
    if (!state) {
      state = { cache: null, generation: 0, version: -1, specs: [] };
      this.documents.set(key, state);
    }
    clearTimeout(state.timer);
    const generation = ++state.generation;
    state.timer = setTimeout(() => void this.run(doc, generation), delay);
  }

  private async run(doc: vscode.TextDocument, generation: number): Promise<void> {
    const key = doc.uri.toString();
    const ctrl = this.controllerOf(doc);
    if (!ctrl) return;
    let lint: LintModule;
    let options: LintOptions;
    try {
      [lint, options] = await Promise.all([loadLint(), this.optionsFor(ctrl)]);
    } catch (err) {
      this.log.error(`lint: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    const state = this.documents.get(key);
    // Closed, or typed into while the linter loaded: the newer run lints the newer text.
    if (!state || state.generation !== generation || doc.isClosed) return;
    state.cache ??= new lint.ParseCache();
    // From here on synchronous: the text linted is the text whose version is recorded.
    const started = performance.now();
    const text = doc.getText();
    let findings: Finding[];
    try {
      findings = lint.lintText(text, doc.uri.fsPath, { ...options, parseCache: state.cache });
      this.stats.lastLintMs = performance.now() - started;
    } catch (err) {
      this.log.error(`lint of ${doc.uri.fsPath}: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    state.version = doc.version;
    state.specs = lintDiagnostics(findings, normaliseText(text));
    this.collection.set(doc.uri, state.specs.map(toDiagnostic));
    this.stats.runs++;
    this.stats.lastMs = performance.now() - started;
  }

  /** `lint.rules` of the folder's config file (Restricted Mode too) and, when trusted, the run's lock timeout. */
  private optionsFor(ctrl: Controller): Promise<LintOptions> {
    const root = ctrl.folder.uri.fsPath;
    return editorLintOptions(
      {
        trusted: ctrl.trusted,
        lintRules: async () => (await loadLint()).readLintRules(root, readSettings(ctrl.folder).configFile),
        ddlLockTimeoutMs: async () => (await ctrl.resolveSettings(false)).ddlLockTimeoutMs,
      },
      (message) => this.log.warn(message),
    );
  }

  private forget(uri: vscode.Uri): void {
    const state = this.documents.get(uri.toString());
    if (state) clearTimeout(state.timer);
    this.documents.delete(uri.toString());
    this.collection.delete(uri);
  }

  provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const state = this.documents.get(doc.uri.toString());
    // Fixes are offsets into the text that was linted: none for a newer one (a run is on its way).
    if (!state || state.version !== doc.version) return [];
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of context.diagnostics) {
      if (diagnostic.source !== LINT_SOURCE) continue;
      const spec = state.specs.find((s) => s.fix && s.code === diagnostic.code && samePlace(s.start, diagnostic.range.start) && samePlace(s.end, diagnostic.range.end));
      if (!spec?.fix) continue;
      const action = new vscode.CodeAction(spec.fix.title, vscode.CodeActionKind.QuickFix);
      action.diagnostics = [diagnostic];
      action.isPreferred = true;
      action.edit = new vscode.WorkspaceEdit();
      for (const e of spec.fix.edits) action.edit.replace(doc.uri, new vscode.Range(position(e.start), position(e.end)), e.text);
      actions.push(action);
    }
    return actions;
  }

  dispose(): void {
    for (const state of this.documents.values()) clearTimeout(state.timer);
    this.documents.clear();
    for (const d of this.disposables) d.dispose();
  }
}

function position(p: Place): vscode.Position {
  return new vscode.Position(p.line, p.character);
}

function samePlace(p: Place, q: vscode.Position): boolean {
  return p.line === q.line && p.character === q.character;
}

function toDiagnostic(spec: LintDiagnosticSpec): vscode.Diagnostic {
  const diagnostic = new vscode.Diagnostic(
    new vscode.Range(position(spec.start), position(spec.end)),
    spec.message,
    spec.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning,
  );
  diagnostic.source = LINT_SOURCE;
  diagnostic.code = spec.code;
  return diagnostic;
}
