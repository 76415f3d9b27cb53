// Counts the round trips a command makes to PostgreSQL: a TCP proxy in front of
// the server reads the frontend messages and counts each simple Query ('Q') and
// each extended-protocol Sync ('S'), the points where the client waits for the
// server. Usage (the command sees DATABASE_URL pointing at the proxy):
//   node bench/roundtrips.mjs [--migrations=1000] -- node dist/cli.js up -migrations DIR
// with BENCH_DATABASE_URL / DATABASE_URL naming the real database.
import { createServer, connect } from 'node:net';
import { spawn } from 'node:child_process';

/** Starts a counting proxy to `target` (a postgres URL); resolves with { url, counts, close }. */
export async function countingProxy(target) {
  const upstream = new URL(target);
  const counts = { Q: 0, S: 0, P: 0, connections: 0, bytesToServer: 0, bytesFromServer: 0 };
  const sockets = new Set();
  const server = createServer((client) => {
    counts.connections++;
    const server = connect(Number(upstream.port || 5432), upstream.hostname);
    sockets.add(client).add(server);
    let buffer = Buffer.alloc(0);
    let startup = true;
    client.on('data', (chunk) => {
      counts.bytesToServer += chunk.length;
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        if (startup) {
          // StartupMessage / SSLRequest: length first, no type byte.
          if (buffer.length < 4) break;
          const len = buffer.readInt32BE(0);
          if (buffer.length < len) break;
          const code = buffer.readInt32BE(4);
          buffer = buffer.subarray(len);
          if (code !== 80877103 && code !== 80877104) startup = false; // not SSL/GSS request
          continue;
        }
        if (buffer.length < 5) break;
        const len = buffer.readInt32BE(1);
        if (buffer.length < len + 1) break;
        const type = String.fromCharCode(buffer[0]);
        if (type in counts) counts[type]++;
        buffer = buffer.subarray(len + 1);
      }
      server.write(chunk);
    });
    server.on('data', (chunk) => {
      counts.bytesFromServer += chunk.length;
      client.write(chunk);
    });
    const end = () => {
      client.destroy();
      server.destroy();
    };
    client.on('close', end).on('error', end);
    server.on('close', end).on('error', end);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(target);
  url.hostname = '127.0.0.1';
  url.port = String(server.address().port);
  return {
    url: url.toString(),
    counts,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const sep = process.argv.indexOf('--');
  const opts = Object.fromEntries(process.argv.slice(2, sep).map((a) => a.replace(/^--/, '').split('=')));
  const [cmd, ...args] = process.argv.slice(sep + 1);
  const target = process.env.BENCH_DATABASE_URL || process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  const proxy = await countingProxy(target);
  const child = spawn(cmd, args, { stdio: 'inherit', env: { ...process.env, DATABASE_URL: proxy.url } });
  const code = await new Promise((resolve) => child.on('close', resolve));
  await proxy.close();
  const trips = proxy.counts.Q + proxy.counts.S;
  const per = opts.migrations ? `, ${(trips / Number(opts.migrations)).toFixed(2)} per migration` : '';
  console.error(`round trips: ${trips} (simple queries ${proxy.counts.Q}, extended syncs ${proxy.counts.S})${per}; connections ${proxy.counts.connections}; ${proxy.counts.bytesToServer} bytes sent, ${proxy.counts.bytesFromServer} received`);
  process.exitCode = code ?? 1;
}
