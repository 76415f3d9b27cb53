// The extension as a release: `vsce package` with no flags and no warnings, a .vsix under 8 MB that
// holds only what the extension needs, and a manifest with what the VS Code Marketplace and Open VSX ask
// for (license, repository, publisher, icon, a README whose images need no repository).
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '..', '..');
const VSCE = join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');

/** Exactly what the .vsix holds. A new file the extension needs at run time goes here and into .vscodeignore. */
const EXPECTED = [
  '[Content_Types].xml',
  'extension.vsixmanifest',
  'extension/LICENSE.txt',
  'extension/changelog.md',
  'extension/package.json',
  'extension/readme.md',
  'extension/dist/extension.js',
  'extension/dist/initdb.wasm',
  'extension/dist/libpg-query.wasm',
  'extension/dist/pglite.data',
  'extension/dist/pglite.wasm',
  'extension/media/icon.png',
  'extension/media/migrations.svg',
  'extension/media/walkthrough/connect.md',
  'extension/media/walkthrough/create.md',
  'extension/media/walkthrough/run.md',
  'extension/media/walkthrough/status.md',
  'extension/snippets/migrate.code-snippets',
  'extension/syntaxes/migrate-directives.injection.tmLanguage.json',
];

describe('the .vsix', () => {
  let dir: string;
  let vsix: string;
  let output: string;
  beforeAll(async () => {
    expect(existsSync(join(ROOT, 'dist', 'extension.js')), 'run "npm run build" first').toBe(true);
    dir = mkdtempSync(join(tmpdir(), 'ml-vsix-'));
    vsix = join(dir, 'migrate-lens.vsix');
    // What `npm run package` runs after the build: `vsce package`, no flags (--out only puts the file here).
    output = await new Promise((done, fail) =>
      execFile(process.execPath, [VSCE, 'package', '--out', vsix], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) =>
        err ? fail(new Error(`vsce package failed: ${err.message}\n${stdout}\n${stderr}`)) : done(stdout + stderr),
      ),
    );
  }, 240_000);
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('is packaged with no warnings, by the package script with no flags', () => {
    expect(output).toMatch(/DONE\s+Packaged/);
    expect(output).not.toMatch(/WARN|warning/i);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.scripts.package).toBe('npm run build && vsce package');
  });

  it('holds exactly the files the extension needs, under 8 MB', () => {
    const files = execFileSync('zipinfo', ['-1', vsix], { encoding: 'utf8' }).trim().split('\n');
    expect(files.sort()).toEqual([...EXPECTED].sort());
    expect(statSync(vsix).size).toBeLessThan(8 * 1024 * 1024);
  });

  it('carries what the marketplaces ask for', () => {
    const manifest = JSON.parse(execFileSync('unzip', ['-p', vsix, 'extension/package.json'], { encoding: 'utf8' }));
    expect(manifest.publisher).toBe('migrate-lens');
    expect(manifest.license).toBe('MIT');
    expect(manifest.repository.url).toMatch(/^https:\/\//);
    expect(manifest.bugs.url).toMatch(/^https:\/\//);
    expect(manifest.homepage).toMatch(/^https:\/\//);
    expect(manifest.icon).toBe('media/icon.png');
    expect(manifest.private).toBeUndefined();
    const license = execFileSync('unzip', ['-p', vsix, 'extension/LICENSE.txt'], { encoding: 'utf8' });
    expect(license).toMatch(/^MIT License/);
    // Open VSX shows the README as packaged: no image that needs a repository to be found.
    const readme = execFileSync('unzip', ['-p', vsix, 'extension/readme.md'], { encoding: 'utf8' });
    expect(readme).toMatch(/^# migrate-lens/);
    expect([...readme.matchAll(/!\[[^\]]*\]\(([^)]+)\)|<img[^>]*src="([^"]+)"/g)].map((m) => m[1] ?? m[2])).toEqual([]);
    // The repository's README embeds the suite's pictures; the packaged one names each instead.
    const pictures = [...readFileSync(join(ROOT, 'README.md'), 'utf8').matchAll(/^!\[[^\]]*\]\((media\/[^)]+\.png)\)$/gm)].map((m) => m[1]);
    expect(pictures.length).toBeGreaterThan(0);
    for (const p of pictures) expect(readme).toContain(`(Picture in the repository: \`${p}\``);
  });
});
