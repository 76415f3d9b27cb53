// The Compare Environments table as HTML: static, no scripts, every value escaped.
import { cellText, type EnvironmentStatus, type MatrixRow } from '../../engine/compare';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const CLASS: Record<string, string> = {
  applied: 'ok', pending: 'pending', rollback: 'pending', failed: 'bad', partial: 'bad', drifted: 'warn', missing: 'warn',
  unreachable: 'off', error: 'bad', absent: 'off',
};

export function compareHtml(folder: string, envs: readonly EnvironmentStatus[], rows: readonly MatrixRow[], active: string | null): string {
  const head = envs
    .map((e) => `<th>${esc(e.name)}${e.protected ? ' (protected)' : ''}${e.name === active ? ' (active)' : ''}<div class="target">${esc(e.target)}</div><div class="state ${e.state === 'ok' ? 'ok' : 'bad'}">${e.state === 'ok' ? 'read' : esc(`${e.state}: ${e.error ?? ''}`)}</div></th>`)
    .join('');
  const body = rows
    .map((r) => {
      const cells = envs
        .map((e) => {
          const c = r.cells[e.name];
          const cls = c.differsFrom.length ? 'warn' : CLASS[c.status] ?? '';
          return `<td class="${cls}" data-env="${esc(e.name)}" data-status="${esc(c.status)}">${esc(cellText(c))}</td>`;
        })
        .join('');
      return `<tr><td class="v">${esc(r.version)}</td><td>${esc(r.name)}</td>${cells}</tr>`;
    })
    .join('\n');
  return `<!DOCTYPE html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline';">
<style>
body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); }
table { border-collapse: collapse; }
th, td { border: 1px solid var(--vscode-panel-border); padding: 3px 8px; text-align: left; vertical-align: top; white-space: nowrap; }
.v { font-family: var(--vscode-editor-font-family); }
.target { font-weight: normal; opacity: .7; font-size: 85%; white-space: normal; word-break: break-all; max-width: 17em; }
.state { white-space: normal; max-width: 17em; }
.state { font-weight: normal; font-size: 90%; }
.ok { color: var(--vscode-charts-green); } .pending { color: var(--vscode-charts-yellow); }
.warn { color: var(--vscode-charts-orange); } .bad { color: var(--vscode-errorForeground); } .off { opacity: .6; }
</style></head><body>
<h3>Migrations of ${esc(folder)} in every environment</h3>
<p>Read-only; each environment read in parallel with a time limit. Times are UTC. "≠" marks a migration applied from other text than in the environments named.</p>
<table><thead><tr><th>Version</th><th>Name</th>${head}</tr></thead><tbody>
${body}
</tbody></table></body></html>`;
}
