const secrets = new Set<string>();

/** Remembers a secret so that `redact` removes it from any text the engine hands out. */
export function registerSecret(secret: string | undefined | null): void {
  if (secret && secret.length >= 1) secrets.add(secret);
}

const URL_CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*):(\S*)@(?=[^@\s]*(?:\s|$))/gi;
const KEYWORD_PASSWORD = /(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)/gi;

/** Text with passwords (in URLs, `password=` pairs and every registered secret) replaced by ***. */
export function redact(text: string): string {
  // Known secrets first, longest first, so that a URL pattern cannot cut one in half.
  let out = text;
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) {
    if (out.includes(s)) out = out.split(s).join('***');
    const encoded = encodeURIComponent(s);
    if (encoded !== s && out.includes(encoded)) out = out.split(encoded).join('***');
  }
  return out.replace(URL_CREDENTIALS, '$1:***@').replace(KEYWORD_PASSWORD, '$1***');
}

/** `postgres://user@host:5432/db` for a connection URL: what to print instead of the URL. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    const host = u.hostname || new URLSearchParams(u.search).get('host') || 'localhost';
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
