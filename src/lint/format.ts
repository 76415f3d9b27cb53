import { BUILTIN_FINDINGS, type Finding } from './lint';
import { RULES } from './rules';

export type LintFormat = 'text' | 'json' | 'sarif';

export function formatFindings(findings: Finding[], format: LintFormat): string {
  if (format === 'json') {
    const rows = findings.map(({ file, line, column, severity, rule, message }) => ({ file, line, column, severity, rule, message }));
    return JSON.stringify(rows, null, 2) + '\n';
  }
  if (format === 'sarif') return JSON.stringify(sarif(findings), null, 2) + '\n';
  return findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.severity} ${f.rule} ${f.message}\n`).join('');
}

/** SARIF 2.1.0, the format GitHub code scanning and other review tools read. */
function sarif(findings: Finding[]) {
  const rules = [
    ...RULES.map((r) => ({
      id: r.meta.id,
      shortDescription: { text: r.meta.description },
      fullDescription: { text: r.meta.explanation },
      help: { text: r.meta.fix },
      defaultConfiguration: { level: r.meta.severity },
    })),
    ...Object.entries(BUILTIN_FINDINGS).map(([id, description]) => ({
      id,
      shortDescription: { text: description },
      defaultConfiguration: { level: id === 'unknown-rule' ? 'warning' : 'error' },
    })),
  ];
  const index = new Map(rules.map((r, i) => [r.id, i]));
  return {
    version: '2.1.0',
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    runs: [
      {
        tool: { driver: { name: 'migrate-lens', rules } },
        // SARIF 2.1.0 §3.14.27: a run with results in text files SHALL say how its columns count
        // (there is no default); ours count code points, like the text and JSON output.
        columnKind: 'unicodeCodePoints',
        results: findings.map((f) => ({
          ruleId: f.rule,
          ruleIndex: index.get(f.rule),
          level: f.severity,
          message: { text: f.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: uriOf(f.file) },
                region: { startLine: f.line, startColumn: f.column },
              },
            },
          ],
        })),
      },
    ],
  };
}

/** A file name as a SARIF artifact URI reference (RFC 3986): `/` between folders, every other special character escaped. */
function uriOf(file: string): string {
  return file.split(/[\\/]/).map(encodeURIComponent).join('/');
}
