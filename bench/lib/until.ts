/** Polls `probe` until it returns a value; fails after `timeoutMs`, with `last()` in the message when given. */
export async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000, last?: () => Promise<unknown>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}${last ? `; last seen: ${JSON.stringify(await last())}` : ''}`);
}
