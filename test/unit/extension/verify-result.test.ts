// What the editor shows of verify's result: the diagnostic's place and words, the notification.
import { describe, expect, it } from 'vitest';
import type { VerifyResult } from '../../../src/engine/verify/verify';
import { verifyDiagnostic, verifySummary } from '../../../src/extension/model/verify-result';

const base: VerifyResult = { ok: false, migrations: 3, verified: 1, failure: null, cancelled: false, elapsedMs: 10 };
const rel = (p: string) => p.replace('/p/', '');

describe('verify result in the editor', () => {
  it('a schema failure: on the Down line (0-based), every difference in words', () => {
    const r: VerifyResult = {
      ...base,
      failure: {
        kind: 'schema', version: '2', name: 'idx', file: '/p/migrations/2_idx.sql', line: 5,
        differences: [
          { kind: 'index', name: 'users_email_idx', change: 'left', message: 'index `users_email_idx` still exists' },
          { kind: 'enum', name: 'mood', change: 'changed', property: 'values', message: 'enum `mood`: value `happy` still exists' },
        ],
      },
    };
    expect(verifyDiagnostic(r)).toEqual({
      path: '/p/migrations/2_idx.sql',
      line: 4,
      message: 'This Down does not restore the schema its Up started from:\nindex `users_email_idx` still exists\nenum `mood`: value `happy` still exists',
    });
    expect(verifySummary(r, rel)).toBe('Verify failed: the Down of migrations/2_idx.sql does not restore the schema: index `users_email_idx` still exists (and 1 more).');
  });

  it('a failing Down statement: on its line, the database error without the file prefix', () => {
    const r: VerifyResult = { ...base, failure: { kind: 'error', phase: 'down', version: '2', name: 'x', file: '/p/migrations/2_x.sql', line: 7, message: 'syntax error at or near "TABEL"' } };
    expect(verifyDiagnostic(r)).toEqual({ path: '/p/migrations/2_x.sql', line: 6, message: 'the Down of 2_x failed: syntax error at or near "TABEL"' });
    expect(verifySummary(r, rel)).toBe('Verify failed: migrations/2_x.sql:7: the Down of 2_x failed: syntax error at or near "TABEL"');
  });

  it('no Down: on the first line; a code migration or the second pass: no diagnostic', () => {
    expect(verifyDiagnostic({ ...base, failure: { kind: 'no-down', version: '2', name: 'x', file: '/p/m/2_x.sql', line: null } })).toMatchObject({ line: 0, message: expect.stringMatching(/^migration 2_x has no Down/) });
    expect(verifyDiagnostic({ ...base, failure: { kind: 'no-down', version: '2', name: 'x', file: null, line: null } })).toBeNull();
    expect(verifyDiagnostic({ ...base, failure: { kind: 'reapply', differences: [] } })).toBeNull();
  });

  it('passed, and cancelled', () => {
    expect(verifySummary({ ...base, ok: true, verified: 3 }, rel)).toBe('Verify passed: every Down restores the schema its Up started from (3 migrations).');
    expect(verifyDiagnostic({ ...base, ok: true })).toBeNull();
    expect(verifySummary({ ...base, cancelled: true }, rel)).toBe('Verify cancelled after 1 Down.');
  });
});
