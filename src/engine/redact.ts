/**
 * Kept for callers of earlier releases; it no longer changes anything. Secrets are kept out of
 * output by never formatting them (a connection is printed as describeUrl's text), and `redact`
 * scrubs only where a credential can appear in text: replacing a registered password wherever it
 * occurred turned `relation "postgres_log"` into `relation "***_log"` when the password was
 * "postgres", and version numbers into `20240***0***` when it was one character.
 */
export function registerSecret(_secret: string | undefined | null): void {
  // nothing to do: see above
}

const URL_CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*):(\S*)@(?=[^@\s]*(?:\s|$))/gi;
const KEYWORD_PASSWORD = /(password\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s&]+)/gi;
/**
 * SQL's `PASSWORD '…'` (CREATE/ALTER ROLE or USER): the literal in any quoting, E'…', $tag$…$tag$,
 * and one cut off by the end of the text (pg_stat_activity shortens long queries).
 */
const SQL_PASSWORD = /(\bpassword\s+)(?:[eE]'(?:[^'\\]|\\[\s\S]|'')*(?:'|$)|'(?:[^']|'')*(?:'|$)|(\$(?:[A-Za-z_]\w*)?\$)[\s\S]*?(?:\2|$))/gi;

/**
 * Text with the credentials a text can carry removed: the password of a URL's user-info
 * (`postgres://user:***@host`), the value of `password=` parameters (libpq key/value strings,
 * URL query parameters, SQL comparisons) and the literal of SQL's `PASSWORD '…'` (another
 * session's `ALTER ROLE` shown as the query that blocks a migration). Anything else stays exactly
 * as it was.
 */
export function redact(text: string): string {
  return text.replace(URL_CREDENTIALS, '$1:***@').replace(SQL_PASSWORD, "$1'***'").replace(KEYWORD_PASSWORD, '$1***');
}

/** `postgres://user@host:5432/db` for a connection URL: what to print instead of the URL. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    const host = u.searchParams.get('host') || u.hostname || 'localhost'; // ?host= wins, as pg reads it
    const user = u.username ? `${decodeURIComponent(u.username)}@` : '';
    const port = u.port || '5432';
    const db = decodeURIComponent(u.pathname.replace(/^\//, '')) || decodeURIComponent(u.username) || 'postgres';
    return `postgres://${user}${host}:${port}/${db}`;
  } catch {
    return 'postgres://(unparseable connection string)';
  }
}

/** The password inside a connection URL, if any. */
export function urlPassword(url: string): string | undefined {
  try {
    const p = new URL(url).password;
    return p ? decodeURIComponent(p) : undefined;
  } catch {
    const m = /:\/\/[^:/@\s]*:([^@\s]*)@/.exec(url);
    return m?.[1];
  }
}
