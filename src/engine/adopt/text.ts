// What adopt did (or would do), as text: the CLI prints it, the editor shows it before asking.
import type { AdoptResult } from './index';

function formatTime(d: Date): string {
  const iso = d.toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

/** The mapping (their id → our version, file, applied time), the file changes, what stays pending. */
export function adoptText(r: AdoptResult): string {
  const out: string[] = [];
  const n = (k: number) => `${k} ${k === 1 ? 'entry' : 'entries'}`;
  if (r.adopted.length === 0) {
    out.push(
      r.alreadyAdopted
        ? `Nothing to adopt: all ${n(r.alreadyAdopted)} of ${r.from} (${r.tool}) are already in ${r.table}.`
        : `Nothing to adopt: ${r.from} (${r.tool}) records no applied migration.`,
    );
    return out.join('\n') + '\n';
  }
  out.push(
    `${r.dryRun ? 'Would adopt' : 'Adopted'} ${n(r.adopted.length)} of ${r.from} (${r.tool}) into ${r.table} as applied, batch ${r.batch}` +
      (r.alreadyAdopted ? ` (${n(r.alreadyAdopted)} adopted before)` : '') +
      ':',
  );
  const header = [`${r.tool.toUpperCase()} ID`, 'VERSION', 'FILE', 'APPLIED AT'];
  const rows = r.adopted.map((e) => [e.id, e.version, e.file, e.appliedAt ? formatTime(e.appliedAt) : '- (adoption time)']);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  for (const cells of [header, ...rows]) out.push(cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  '));
  if (r.changes.length) {
    const how = r.git ? ' (git mv)' : '';
    out.push('', `${r.dryRun ? 'Would change' : 'Changed'} ${r.changes.length} file${r.changes.length === 1 ? '' : 's'}${how}:`);
    for (const c of r.changes) {
      const converted = c.text !== null ? ' (converted)' : '';
      out.push(`  ${c.sources.join(' + ')} -> ${c.target}${converted}`);
    }
  }
  if (r.pending.length) out.push('', `Pending (not applied by ${r.tool}): ${r.pending.map((p) => p.file).join(', ')}`);
  out.push('', r.dryRun ? 'Nothing was changed (--dry-run).' : `Nothing was run, and ${r.from} was not changed.`);
  return out.join('\n') + '\n';
}
