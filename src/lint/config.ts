import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { ConfigError } from '../engine/errors';
import { BUILTIN_FINDINGS, type RuleSetting } from './lint';
import { RULE_IDS } from './rules';

const SETTINGS: readonly RuleSetting[] = ['error', 'warning', 'off'];

/**
 * `lint.rules` of config.yaml: a severity per rule id, or off.
 *
 *   lint:
 *     rules:
 *       one-change-per-migration: off
 *       up-without-down: error
 */
export function readLintRules(cwd: string, configFile?: string): Record<string, RuleSetting> {
  const path = configFile !== undefined ? resolve(cwd, configFile) : join(cwd, 'config.yaml');
  if (configFile === undefined && !existsSync(path)) return {};
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`${path}: cannot read the config file (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  const rel = relative(cwd, path);
  return parseLintRules(text, rel && !rel.startsWith('..') ? rel : path);
}

export function parseLintRules(text: string, label: string): Record<string, RuleSetting> {
  const { LineCounter, parseDocument, isMap, isScalar } = require('yaml') as typeof import('yaml');
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  if (doc.errors.length) return {}; // the engine's config reader reports it with its line
  const at = (node: { range?: [number, number, number] | null } | null | undefined) =>
    `${label}:${node?.range ? lineCounter.linePos(node.range[0]).line : 0}`;
  const lint = isMap(doc.contents) ? doc.contents.items.find((p) => isScalar(p.key) && p.key.value === 'lint') : undefined;
  if (!lint || lint.value === null || (isScalar(lint.value) && lint.value.value === null)) return {};
  if (!isMap(lint.value)) throw new ConfigError(`${at(lint.value as never)}: "lint" must be a mapping with the key "rules"`);
  const out: Record<string, RuleSetting> = {};
  for (const item of lint.value.items) {
    const key = String(isScalar(item.key) ? item.key.value : item.key);
    if (key !== 'rules') throw new ConfigError(`${at(item.key as never)}: unknown key "lint.${key}"; expected rules`);
    if (item.value === null || (isScalar(item.value) && item.value.value === null)) continue;
    if (!isMap(item.value)) throw new ConfigError(`${at(item.value as never)}: "lint.rules" must map rule ids to error, warning or off`);
    for (const r of item.value.items) {
      const id = String(isScalar(r.key) ? r.key.value : r.key);
      if (id in BUILTIN_FINDINGS) throw new ConfigError(`${at(r.key as never)}: "${id}" is always on and has no setting (it is no rule: nothing else can be checked without it)`);
      if (!RULE_IDS.has(id)) throw new ConfigError(`${at(r.key as never)}: unknown lint rule "${id}"; the rules are: ${[...RULE_IDS].join(', ')}`);
      const value = isScalar(r.value) ? String(r.value.value) : '';
      // YAML reads a bare `off` as the string "off" in its default (1.2) schema; false is accepted too.
      const setting = value === 'false' ? 'off' : value;
      if (!SETTINGS.includes(setting as RuleSetting)) throw new ConfigError(`${at(r.key as never)}: lint.rules.${id} must be error, warning or off, got "${value}"`);
      out[id] = setting as RuleSetting;
    }
  }
  return out;
}
