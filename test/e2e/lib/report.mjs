// Collects named checks, logs them with timings and screenshots the page when one fails.
import fs from 'node:fs';
import path from 'node:path';

export class Report {
  constructor(shotsDir) {
    this.shotsDir = shotsDir;
    this.t0 = Date.now();
    this.results = [];
    this.page = null;
    fs.mkdirSync(shotsDir, { recursive: true });
  }

  log(...args) {
    console.log(`[${((Date.now() - this.t0) / 1000).toFixed(1)}s]`, ...args);
  }

  /** Runs fn as a check; a thrown error is a failure (with a screenshot of the current page). */
  async check(name, fn) {
    const started = Date.now();
    try {
      await fn();
      this.results.push({ name, ok: true });
      this.log('PASS', name, `(${Date.now() - started} ms)`);
      return true;
    } catch (err) {
      this.results.push({ name, ok: false, error: err });
      this.log('FAIL', name, '-', String(err?.message ?? err).split('\n').slice(0, 16).join('\n    '));
      await this.screenshot('FAIL-' + name);
      return false;
    }
  }

  /** Marks a check that could not run because something it depends on failed. */
  blocked(name, reason) {
    this.results.push({ name, ok: false, error: new Error('not run: ' + reason) });
    this.log('FAIL', name, '- not run:', reason);
  }

  async screenshot(name) {
    if (!this.page || this.page.isClosed()) return null;
    const file = path.join(this.shotsDir, `${String(this.results.length).padStart(2, '0')}-${name.replace(/[^\w.-]+/g, '_').slice(0, 80)}.png`);
    try {
      await this.page.screenshot({ path: file, timeout: 10_000 });
      this.log('  screenshot', file);
      return file;
    } catch (err) {
      this.log('  (screenshot failed:', String(err?.message ?? err).split('\n')[0] + ')');
      return null;
    }
  }

  get passed() { return this.results.filter((r) => r.ok).length; }
  get failed() { return this.results.filter((r) => !r.ok).length; }
}
