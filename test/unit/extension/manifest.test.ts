// The manifest and the code agree: every command of the issue is contributed under one category and
// registered; menus only name known commands and tree statuses; settings have the documented defaults.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { STATUS_ICONS } from '../../../src/extension/model/tree-model';

const root = resolve(__dirname, '../../..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const c = pkg.contributes;
const contributed = new Set<string>(c.commands.map((x: { command: string }) => x.command));
const registry = readFileSync(join(root, 'src/extension/commands/index.ts'), 'utf8');
const registered = new Set([...registry.matchAll(/'(migrateLens\.[A-Za-z]+)':/g)].map((m) => m[1]));

const ISSUE_COMMANDS = [
  'up', 'down', 'status', 'create', 'reset', 'refresh', 'version', 'setPassword', 'showOutput', 'runUp', 'runDown',
  'upTo', 'downTo', 'openFile', 'showError', 'markApplied', 'markRolledBack', 'forget', 'acceptChecksum',
].map((id) => `migrateLens.${id}`);
/** Beyond the issue's list: the design's "drift shown as a diff". */
const EXTRA_COMMANDS = ['migrateLens.showDiff', 'migrateLens.statusActions', 'migrateLens.rollBackStoredCopy', 'migrateLens.previewSql', 'migrateLens.switchEnvironment', 'migrateLens.compareEnvironments', 'migrateLens.openWalkthrough', 'migrateLens.adopt', 'migrateLens.resume',
  'migrateLens.filterByStatus', 'migrateLens.clearFilter', 'migrateLens.revealFirstPending'];

describe('package.json', () => {
  it('contributes and registers the commands of the issue (and Show Diff), all in the "Migrate Lens" category', () => {
    const all = [...ISSUE_COMMANDS, ...EXTRA_COMMANDS].sort();
    expect([...contributed].sort()).toEqual(all);
    expect([...registered].sort()).toEqual(all);
    for (const cmd of c.commands) expect(cmd.category, cmd.command).toBe('Migrate Lens');
  });

  it('has the Migrations container and view, and welcome content for the view', () => {
    expect(c.viewsContainers.activitybar).toEqual([expect.objectContaining({ id: 'migrateLens', title: 'Migrations' })]);
    expect(c.views.migrateLens.map((v: { id: string }) => v.id)).toEqual(['migrateLens.migrations']);
    expect(c.viewsWelcome.every((w: { view: string }) => w.view === 'migrateLens.migrations')).toBe(true);
  });

  it('menus name contributed commands and only statuses the tree produces', () => {
    const statuses = new Set(Object.keys(STATUS_ICONS));
    for (const [menu, items] of Object.entries<{ command: string; when?: string }[]>(c.menus)) {
      for (const item of items) {
        expect(contributed.has(item.command), `${menu}: ${item.command}`).toBe(true);
        const m = /viewItem =~ \/\^migration\\\.\(([a-z|]+)\)\$\//.exec(item.when ?? '');
        if (menu === 'view/item/context') expect(m, `${item.command}: ${item.when}`).not.toBeNull();
        for (const s of m?.[1].split('|') ?? []) expect(statuses.has(s), `${item.command}: ${s}`).toBe(true);
      }
    }
  });

  it('has the walkthrough: connect (or embedded), create, run, status, each with its commands as buttons', () => {
    expect(c.walkthroughs.map((w: { id: string }) => w.id)).toEqual(['gettingStarted']);
    const steps = c.walkthroughs[0].steps as { id: string; description: string; media: { markdown: string }; completionEvents: string[] }[];
    expect(steps.map((s) => s.id)).toEqual(['connect', 'create', 'run', 'status']);
    const buttons = steps.map((s) => [...s.description.matchAll(/\[[^\]]+\]\(command:([A-Za-z.]+)/g)].map((m) => m[1]));
    expect(buttons).toEqual([
      ['workbench.action.openSettings', 'migrateLens.setPassword'],
      ['migrateLens.create'],
      ['migrateLens.up', 'migrateLens.down'],
      ['workbench.view.extension.migrateLens', 'migrateLens.status'],
    ]);
    for (const id of buttons.flat()) expect(id.startsWith('migrateLens.') ? contributed.has(id) : id.startsWith('workbench.'), id).toBe(true);
    expect(steps[0].description).toMatch(/embedded database/);
    for (const s of steps) {
      expect(readFileSync(join(root, s.media.markdown), 'utf8')).toMatch(/^## /);
      expect(s.completionEvents.length).toBeGreaterThan(0);
    }
    // The command opens it by <publisher>.<name>#<walkthrough id>.
    expect(registry).toContain(`'${pkg.publisher}.${pkg.name}'`);
    expect(registry).toContain('#gettingStarted');
  });

  it('welcome links only run contributed or built-in commands', () => {
    for (const w of c.viewsWelcome) {
      for (const [, id] of w.contents.matchAll(/\(command:([A-Za-z.]+)/g)) {
        expect(id.startsWith('migrateLens.') ? contributed.has(id) : id.startsWith('workbench.'), id).toBe(true);
      }
    }
  });

  it('declares the settings with their defaults, and limited support in untrusted workspaces', () => {
    const props = c.configuration.properties;
    expect(Object.fromEntries(Object.entries<{ default: unknown }>(props).map(([k, v]) => [k, v.default]))).toEqual({
      'migrateLens.migrationsDir': 'migrations',
      'migrateLens.configFile': '',
      'migrateLens.connectionString': '',
      'migrateLens.table': 'schema_migrations',
      'migrateLens.environment': '',
    });
    expect(pkg.capabilities.untrustedWorkspaces.supported).toBe('limited');
    expect(pkg.activationEvents).toContain('workspaceContains:**/migrations/*.sql');
  });

  it('refuses a connection string with a password in the settings schema', () => {
    const pattern = new RegExp(c.configuration.properties['migrateLens.connectionString'].pattern);
    expect(pattern.test('postgres://app@localhost:5432/app')).toBe(true);
    expect(pattern.test('postgres://localhost/app')).toBe(true);
    expect(pattern.test('')).toBe(true);
    expect(pattern.test('postgres://app:secret@localhost:5432/app')).toBe(false);
  });

  it('colours every tree status with a contributed colour', () => {
    const colors = new Set(c.colors.map((x: { id: string }) => x.id));
    for (const { color } of Object.values(STATUS_ICONS)) expect(colors.has(color), color).toBe(true);
  });
});
