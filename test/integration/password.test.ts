// A password kept apart from the URL (the extension's SecretStorage, `password:` beside `url:` in
// config.yaml, PGPASSWORD) reaches the server. The test server here trusts everyone, so this one
// stands in for a server that asks for a cleartext password and notes what it receives.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveSettings } from '../../src/engine/config';
import { openPg } from '../../src/engine/pg';

let server: net.Server;
let port = 0;
const received: { user: string; password: string }[] = [];

beforeAll(async () => {
  server = net.createServer((socket) => {
    let buf = Buffer.alloc(0);
    let user: string | null = null;
    socket.on('error', () => undefined);
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      if (user === null) {
        if (buf.length < 8 || buf.length < buf.readInt32BE(0)) return;
        const len = buf.readInt32BE(0);
        const parts = buf.subarray(8, len).toString('utf8').split('\0');
        buf = buf.subarray(len);
        user = parts[parts.indexOf('user') + 1] ?? '';
        socket.write(Buffer.from([0x52, 0, 0, 0, 8, 0, 0, 0, 3])); // AuthenticationCleartextPassword
      }
      if (buf.length < 5 || buf.length < 1 + buf.readInt32BE(1)) return;
      received.push({ user, password: buf.subarray(5, 1 + buf.readInt32BE(1)).toString('utf8').replace(/\0$/, '') });
      const payload = Buffer.from('SFATAL\0C28P01\0Mpassword authentication failed\0\0', 'utf8');
      const head = Buffer.from([0x45, 0, 0, 0, 0]);
      head.writeInt32BE(4 + payload.length, 1);
      socket.end(Buffer.concat([head, payload]));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as net.AddressInfo).port;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('a password given apart from the URL', () => {
  it('is sent to the server (SecretStorage: settings.password beside the URL)', async () => {
    const url = `postgres://alice@127.0.0.1:${port}/app`;
    await expect(openPg({ kind: 'url', url, password: 'p@ss:w/rd %x', description: url })).rejects.toThrow(/password authentication failed/);
    expect(received.pop()).toEqual({ user: 'alice', password: 'p@ss:w/rd %x' });
  });

  it('PGPASSWORD beside the other PG* variables is sent', async () => {
    const s = resolveSettings({ cwd: '/nonexistent', env: { PGHOST: '127.0.0.1', PGPORT: String(port), PGUSER: 'bob', PGDATABASE: 'app', PGPASSWORD: 'from-env' } });
    if (s.connection.kind === 'embedded') throw new Error('PG* variables were not used');
    await expect(openPg(s.connection)).rejects.toThrow(/password authentication failed/);
    expect(received.pop()).toEqual({ user: 'bob', password: 'from-env' });
  });
});
