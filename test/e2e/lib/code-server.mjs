// Starts and stops code-server (a real VS Code 1.100 workbench served over HTTP) for one test run.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const CODE_SERVER_VERSION = '4.100.3';

export function defaultCacheDir(env = process.env) {
  return path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'migrate-lens', 'code-server');
}

export function codeServerBin(cacheDir) {
  return path.join(cacheDir, 'node_modules', '.bin', 'code-server');
}

/** Asks the kernel for a port nobody listens on. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** User settings that keep the workbench quiet and offline. */
function userSettings(trust) {
  return {
    'security.workspace.trust.enabled': trust,
    'security.workspace.trust.startupPrompt': 'never',
    'security.workspace.trust.banner': 'always',
    'workbench.startupEditor': 'none',
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    'telemetry.telemetryLevel': 'off',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'update.mode': 'none',
    'workbench.enableExperiments': false,
    'workbench.tips.enabled': false,
    'chat.disableAIFeatures': true,
    'git.enabled': false,
    'editor.codeLens': true,
    // Stable token colours for the highlighting check.
    'workbench.colorTheme': 'Default Dark Modern',
  };
}

function run(bin, args, env) {
  return new Promise((resolve, reject) => {
    let out = '';
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${path.basename(bin)} ${args.join(' ')} exited ${code}:\n${out}`))));
  });
}

/**
 * A code-server instance with its own user-data and extensions folders under `root`.
 * `trust: false` starts it like the reference (--disable-workspace-trust); `trust: true` keeps
 * workspace trust on, so a never-trusted folder opens in Restricted Mode.
 */
export class CodeServer {
  constructor({ cacheDir, root, trust = false, name = 'cs', env = {} }) {
    this.bin = codeServerBin(cacheDir);
    if (!fs.existsSync(this.bin)) {
      throw new Error(`code-server not found at ${this.bin}; run test/e2e/setup.sh ${cacheDir}`);
    }
    this.trust = trust;
    this.userDataDir = path.join(root, `${name}-user-data`);
    this.extensionsDir = path.join(root, `${name}-extensions`);
    this.logFile = path.join(root, `${name}.log`);
    fs.mkdirSync(path.join(this.userDataDir, 'User'), { recursive: true });
    fs.mkdirSync(this.extensionsDir, { recursive: true });
    fs.writeFileSync(path.join(this.userDataDir, 'User', 'settings.json'), JSON.stringify(userSettings(trust), null, 2));
    // A clean environment: no DATABASE_URL/PG* leaking from the CI job into the extension host.
    this.env = {
      ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(PG|DATABASE_URL$|TEST_DATABASE_URL$)/.test(k))),
      ...env,
    };
    this.child = null;
  }

  baseArgs() {
    const args = ['--auth', 'none', '--disable-telemetry', '--disable-update-check',
      '--disable-getting-started-override', '--user-data-dir', this.userDataDir, '--extensions-dir', this.extensionsDir];
    if (!this.trust) args.push('--disable-workspace-trust');
    return args;
  }

  /** Installs a .vsix into this instance's extensions folder (offline, about 2 s). */
  async installExtension(vsix, extensionsDir = this.extensionsDir) {
    const args = this.baseArgs();
    args[args.indexOf('--extensions-dir') + 1] = extensionsDir;
    return run(this.bin, [...args, '--install-extension', vsix], this.env);
  }

  async start(workspace) {
    this.port = await freePort();
    const log = fs.openSync(this.logFile, 'w');
    this.child = spawn(this.bin, ['--bind-addr', `127.0.0.1:${this.port}`, ...this.baseArgs(), workspace],
      { stdio: ['ignore', log, log], env: this.env });
    fs.closeSync(log);
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.exited = exited;
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        if ((await fetch(`http://127.0.0.1:${this.port}/healthz`)).ok) break;
      } catch { /* not listening yet */ }
      if (this.child.exitCode !== null) throw new Error(`code-server exited ${this.child.exitCode}; see ${this.logFile}`);
      if (Date.now() > deadline) throw new Error(`code-server not healthy after 30 s; see ${this.logFile}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return this;
  }

  /** The address of a resource on the server side, as the workbench's payload expects it. */
  remoteUri(absPath) {
    return `vscode-remote://127.0.0.1:${this.port}${absPath}`;
  }

  url(folder, payload) {
    // A .code-workspace file opens as a (multi-root) workspace, anything else as a folder.
    const kind = folder.endsWith('.code-workspace') ? 'workspace' : 'folder';
    let url = `http://127.0.0.1:${this.port}/?${kind}=${encodeURIComponent(folder)}`;
    if (payload) url += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    return url;
  }

  /**
   * Stops the server and every process it started: its extension host outlives the main process
   * for a moment otherwise, and goes on with what it was doing (the firstview suite saw it finish
   * writing the embedded database after stop() had returned).
   */
  async stop() {
    if (!this.child || this.child.exitCode !== null) return;
    const family = descendants(this.child.pid);
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await this.exited;
    clearTimeout(timer);
    for (const pid of family) signal(pid, 'SIGTERM');
    const deadline = Date.now() + 5000;
    while (family.some(alive)) {
      if (Date.now() > deadline + 5000) throw new Error(`code-server's processes ${family.filter(alive).join(', ')} outlived SIGKILL`);
      if (Date.now() > deadline) family.forEach((pid) => signal(pid, 'SIGKILL'));
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** The processes below `pid` (children, theirs, ...), read from /proc (Linux, where this suite runs). */
function descendants(pid) {
  const parentOf = new Map();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // The fields after the name, which is in parentheses and may hold spaces: state, ppid, ...
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      parentOf.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch { /* gone meanwhile */ }
  }
  const out = [];
  for (let i = -1, at = pid; i < out.length; at = out[++i]) {
    for (const [child, parent] of parentOf) if (parent === at) out.push(child);
  }
  return out;
}

/** Running: not gone, and not a zombie waiting for whoever adopted it to reap it. */
function alive(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

function signal(pid, name) {
  try {
    process.kill(pid, name);
  } catch { /* already gone */ }
}
