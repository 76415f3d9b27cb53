// Small assertion helpers whose messages show the actual value.
export function assert(condition, message) {
  if (!condition) throw new Error(message);
}

export function assertMatch(actual, regex, what) {
  if (!regex.test(actual)) throw new Error(`${what}: expected ${regex}, got ${JSON.stringify(actual)}`);
}

/** Polls fn until it returns a truthy value; throws the last error or a timeout naming `what`. */
export async function eventually(fn, { timeout = 20_000, interval = 250, what = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value;
      last = undefined;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeout} ms waiting for ${what}${last ? ': ' + (last.message ?? last) : ''}`);
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}
