// The snippets write files the parser accepts: expanded with their default text, the skeletons
// parse, and every directive they use is one of the parser's DIRECTIVES.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIRECTIVES, GOOSE_DIRECTIVES, parseMigration } from '../../../src/engine/parser';
import { skeletonSnippet, SKELETON_PREFIX } from '../../../src/extension/model/skeleton';

const root = resolve(__dirname, '../../..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const contributed: { language: string; path: string }[] = pkg.contributes.snippets;
const snippets: Record<string, { prefix: string; body: string[]; scope?: string }> = Object.assign(
  {},
  ...contributed.map((s) => JSON.parse(readFileSync(join(root, s.path), 'utf8'))),
);

/** The text VS Code inserts when every placeholder keeps its default. */
export function expand(body: string[], now = new Date(2024, 0, 2, 3, 4, 5)): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const vars: Record<string, string> = {
    CURRENT_YEAR: String(now.getFullYear()),
    CURRENT_MONTH: pad(now.getMonth() + 1),
    CURRENT_DATE: pad(now.getDate()),
    CURRENT_HOUR: pad(now.getHours()),
    CURRENT_MINUTE: pad(now.getMinutes()),
    CURRENT_SECOND: pad(now.getSeconds()),
  };
  let text = body.join('\n').replace(/\\\$/g, '\u0000');
  const defaults = new Map<string, string>();
  // Innermost placeholders first, so nested defaults resolve.
  for (let m; (m = /\$\{(\d+):([^${}]*)\}/.exec(text)); ) {
    defaults.set(m[1], m[2]);
    text = text.slice(0, m.index) + m[2] + text.slice(m.index + m[0].length);
  }
  text = text
    .replace(/\$\{(\d+)\}|\$(\d+)/g, (_, a: string, b: string) => defaults.get(a ?? b) ?? '')
    .replace(/\$([A-Z_]+)/g, (all, name: string) => vars[name] ?? all);
  return text.replace(/\u0000/g, '$');
}

describe('snippets', () => {
  it('are contributed for SQL; the `migrate` skeleton comes from the extension (its time is UTC)', () => {
    expect(contributed.map((s) => s.language)).toEqual(['sql']);
    expect(Object.values(snippets).map((s) => s.prefix)).not.toContain('migrate');
    expect(SKELETON_PREFIX).toBe('migrate');
  });

  it('the `migrate` skeleton is a complete migration: Up with description and UTC time, Down with rollback note', () => {
    const text = expand(skeletonSnippet(new Date(Date.UTC(2024, 0, 2, 3, 4, 5))).split('\n'));
    expect(text).toMatch(/^-- \+migrate Up\n-- Description: .+\n-- Created: 2024-01-02 03:04:05 UTC\n/);
    expect(text).toMatch(/-- \+migrate Down\n-- Rollback: undo "what this migration does"\n/);
    const parsed = parseMigration(text);
    expect(parsed.up.statements).toHaveLength(1);
    expect(parsed.down?.statements).toHaveLength(1);
    expect(parsed.down?.statements[0].sql).toMatch(/\nDROP TABLE example$/);
  });

  it('the notransaction snippet parses with both sections outside a transaction', () => {
    const s = Object.values(snippets).find((x) => x.prefix === 'migrate-notransaction')!;
    const parsed = parseMigration(expand(s.body));
    expect(parsed.up.noTransaction).toBe(true);
    expect(parsed.down?.noTransaction).toBe(true);
    expect(parsed.up.statements[0].sql).toMatch(/^CREATE INDEX CONCURRENTLY/);
  });

  it('the StatementBegin block becomes one statement inside an Up section', () => {
    const s = Object.values(snippets).find((x) => x.prefix === 'migrate-statement')!;
    const parsed = parseMigration(`-- +migrate Up\n${expand(s.body)}`);
    expect(parsed.up.statements).toHaveLength(1);
    expect(parsed.up.statements[0].sql).toMatch(/\$\$ LANGUAGE plpgsql$/);
  });

  it('use only directives the parser knows', () => {
    const known = new Set(DIRECTIVES.map((d) => d.toLowerCase()));
    for (const s of Object.values(snippets)) {
      for (const m of expand(s.body).matchAll(/--[ \t]*\+migrate[ \t]+(\S+)(?:[ \t]+(\S+))?/gi)) {
        expect(known.has(m[1].toLowerCase()), `${s.prefix}: ${m[0]}`).toBe(true);
        if (m[2]) expect(m[2].toLowerCase()).toBe('notransaction');
      }
      for (const m of expand(s.body).matchAll(/--[ \t]*\+goose[ \t]+([^\n]*)/gi)) {
        expect(GOOSE_DIRECTIVES.map((d) => d.toLowerCase()), `${s.prefix}: ${m[0]}`).toContain(m[1].trim().toLowerCase());
      }
    }
  });

  it('the goose snippets parse as goose files: sections, one block statement, NO TRANSACTION on both', () => {
    const find = (prefix: string) => Object.values(snippets).find((x) => x.prefix === prefix)!;
    const basic = parseMigration(expand(find('goose').body));
    expect(basic.up.statements[0].sql).toMatch(/^CREATE TABLE example/);
    expect(basic.down?.statements[0].sql).toBe('DROP TABLE example');
    const block = parseMigration(`-- +goose Up\n${expand(find('goose-statement').body)}`);
    expect(block.up.statements).toHaveLength(1);
    const noTx = parseMigration(expand(find('goose-no-transaction').body));
    expect([noTx.up.noTransaction, noTx.down?.noTransaction]).toEqual([true, true]);
  });
});
