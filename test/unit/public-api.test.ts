// The library's public surface (src/engine/index.ts, package.json "exports"): small, stable, documented.
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as api from '../../src/engine/index';

const ENGINE = resolve(__dirname, '..', '..', 'src', 'engine');

describe('public API', () => {
  it('exports exactly the documented values', () => {
    expect(Object.keys(api).sort()).toEqual(
      [
        'ChecksumMismatchError',
        'ConfigError',
        'LockTimeoutError',
        'MigrateError',
        'MigrateLens',
        'MigrationFailedError',
        'NoDownError',
        'OutOfOrderError',
        'ParseError',
        'StateError',
        'UnknownVersionError',
        'createMigrator',
        'lint',
        'registerMigration',
      ].sort(),
    );
  });

  it('every exported name (values and types) has TSDoc where it is declared', () => {
    const index = readFileSync(join(ENGINE, 'index.ts'), 'utf8');
    const names = [...index.matchAll(/export (?:type )?\{([^}]*)\}/g)].flatMap((m) =>
      m[1].split(',').map((n) => n.trim().replace(/^type /, '')).filter(Boolean),
    );
    expect(names.length).toBeGreaterThan(20);
    const sources = readdirSync(ENGINE).filter((f) => f.endsWith('.ts')).map((f) => readFileSync(join(ENGINE, f), 'utf8'));
    const undocumented = names.filter((name) => {
      const decl = new RegExp(`^export (?:async )?(?:class|function|interface|type|const) ${name}\\b`, 'm');
      const text = sources.find((s) => decl.test(s));
      if (!text) return true;
      const before = text.slice(0, text.search(decl)).trimEnd();
      return !before.endsWith('*/');
    });
    expect(undocumented).toEqual([]);
  });

  it('package.json: exports give the engine to import and require, with types; main stays the extension', () => {
    const pkg = JSON.parse(readFileSync(resolve(ENGINE, '..', '..', 'package.json'), 'utf8'));
    expect(pkg.private).toBeUndefined();
    expect(pkg.main).toBe('./dist/extension.js');
    expect(pkg.exports['.']).toEqual({
      import: { types: './dist/engine.d.mts', default: './dist/engine.mjs' },
      require: { types: './dist/engine.d.ts', default: './dist/engine.js' },
    });
    expect(pkg.bin['migrate-lens']).toBe('dist/cli.js');
  });
});
