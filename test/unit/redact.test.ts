// Passwords never reach output: URL user-info and password= pairs are scrubbed, and nothing else is touched.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { describeUrl, redact, registerSecret } from '../../src/engine/internal';

/** A fresh secret per test: registered secrets are process-wide. */
const secret = (prefix = 'S') => `${prefix}${randomBytes(6).toString('hex')}`;

describe('redact', () => {
  it('hides the password of connection URLs and keeps the rest', () => {
    const pw = secret();
    expect(redact(`connect postgres://alice:${pw}@db.example:5432/app failed`)).toBe('connect postgres://alice:***@db.example:5432/app failed');
    expect(redact(`postgresql://bob:${pw}@h/d and postgres://carol:${pw}x@h2/d2`)).toBe('postgresql://bob:***@h/d and postgres://carol:***@h2/d2');
    expect(redact('postgres://nopass@h/d')).toBe('postgres://nopass@h/d');
    expect(redact(`postgres://:${pw}@h/d`)).not.toContain(pw);
  });

  it('hides password= values, quoted or not, in any case', () => {
    const pw = secret();
    expect(redact(`host=h password=${pw} user=u`)).toBe('host=h password=*** user=u');
    expect(redact(`host=h PASSWORD = ${pw}`)).toBe('host=h PASSWORD = ***');
    expect(redact(`host=h password='with space ${pw}' user=u`)).toBe('host=h password=*** user=u');
    expect(redact(`postgres://h/d?sslmode=require&password=${pw}`)).not.toContain(pw);
  });

  it("hides the literal of SQL's PASSWORD in any quoting, also when the text ends inside it", () => {
    const pw = secret();
    expect(redact(`ALTER ROLE app PASSWORD '${pw}'`)).toBe("ALTER ROLE app PASSWORD '***'");
    expect(redact(`CREATE USER app WITH LOGIN ENCRYPTED password 'it''s ${pw}' VALID UNTIL 'infinity'`)).toBe("CREATE USER app WITH LOGIN ENCRYPTED password '***' VALID UNTIL 'infinity'");
    expect(redact(`alter user app password E'a\\'${pw}'; select 1`)).toBe("alter user app password '***'; select 1");
    expect(redact(`ALTER ROLE app PASSWORD $q$${pw}$q$ LOGIN`)).toBe("ALTER ROLE app PASSWORD '***' LOGIN");
    expect(redact(`ALTER ROLE app PASSWORD $$${pw}$$`)).toBe("ALTER ROLE app PASSWORD '***'");
    // cut off by pg_stat_activity's track_activity_query_size, or by the caller
    expect(redact(`ALTER ROLE app PASSWORD '${pw.slice(0, 5)}`)).toBe("ALTER ROLE app PASSWORD '***'");
    expect(redact(`UPDATE users SET password = '${pw}' WHERE id = 1`)).not.toContain(pw);
    expect(redact('ALTER ROLE app PASSWORD NULL')).toBe('ALTER ROLE app PASSWORD NULL');
  });

  it('never mangles a message: only credentials are scrubbed, a registered password elsewhere stays text', () => {
    for (const pw of ['postgres', '0', 'a', 'log']) registerSecret(pw);
    const messages = [
      'relation "postgres_log_typo" does not exist',
      'migration 20240101000001 up failed (statement 2): division by zero',
      'column "password" does not exist',
      'syntax error at or near "log"',
    ];
    for (const m of messages) expect(redact(m)).toBe(m);
    expect(redact('connect postgres://postgres:postgres@db/postgres failed: relation "postgres_log" does not exist')).toBe(
      'connect postgres://postgres:***@db/postgres failed: relation "postgres_log" does not exist',
    );
  });

  it('scrubs a password that holds URL delimiters, encoded or not', () => {
    const pw = `p@ss/${secret()}:#`;
    expect(redact(`postgres://u:${encodeURIComponent(pw)}@h/d`)).toBe('postgres://u:***@h/d');
    expect(redact(`postgres://h/d?sslmode=require&password=${encodeURIComponent(pw)}&user=u`)).toBe('postgres://h/d?sslmode=require&password=***&user=u');
  });

  it('ignores empty and missing secrets', () => {
    registerSecret('');
    registerSecret(undefined);
    registerSecret(null);
    expect(redact('nothing to hide')).toBe('nothing to hide');
  });
});

describe('describeUrl', () => {
  it('prints user, host, port and database, never the password', () => {
    expect(describeUrl('postgres://alice:pw-123@db.example:6543/app?sslmode=require')).toBe('postgres://alice@db.example:6543/app');
    expect(describeUrl('postgres://alice:pw-123@db.example/app')).toBe('postgres://alice@db.example:5432/app');
    expect(describeUrl('postgresql://h')).toBe('postgres://h:5432/postgres');
    expect(describeUrl('not a url')).not.toContain('not a url');
  });
});
