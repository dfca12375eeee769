import { newEvents, rolloutOutcome, type DeploymentEvent, type SlipwayClient } from '@slipway/client';

const POLL_MS = 500;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** "12:03:04 [iris] Revision 2 by ci@example.com: primary: v1 → v2" */
export const formatEvent = (e: DeploymentEvent, name?: string) =>
  `${e.createdAt.slice(11, 19)} ${name ? `[${name}] ` : ''}${e.level === 'info' ? '' : `${e.level.toUpperCase()} `}${e.message}`;

/**
 * Follows each deployment's rollout to `revision`, printing its events as they happen, until every one is
 * live or over. Events from before the call are not repeated. Resolves with the failures (empty: all live).
 */
export async function followRollouts(
  client: SlipwayClient,
  targets: readonly { name: string; revision: number }[],
  log: (line: string) => void,
): Promise<{ name: string; reason: string }[]> {
  const seen = new Map<string, Set<string>>();
  for (const t of targets) seen.set(t.name, new Set((await client.events(t.name)).map((e) => e.id)));
  const pending = new Map(targets.map((t) => [t.name, t.revision]));
  const failures: { name: string; reason: string }[] = [];
  while (pending.size) {
    for (const [name, revision] of pending) {
      const [deployment, events] = await Promise.all([client.deployment(name), client.events(name)]);
      for (const e of newEvents(events, seen.get(name)!)) log(formatEvent(e, targets.length > 1 ? name : undefined));
      const outcome = rolloutOutcome(deployment, revision);
      if (!outcome.done) continue;
      pending.delete(name);
      if (outcome.ok) log(`${name}: revision ${revision} is live`);
      else failures.push({ name, reason: outcome.reason });
    }
    if (pending.size) await sleep(POLL_MS);
  }
  return failures;
}

/** Prints a deployment's events; with `follow`, keeps printing new ones until interrupted. */
export async function printEvents(client: SlipwayClient, name: string, follow: boolean, log: (line: string) => void): Promise<void> {
  const seen = new Set<string>();
  for (;;) {
    for (const e of newEvents(await client.events(name), seen)) log(formatEvent(e));
    if (!follow) return;
    await sleep(1000);
  }
}
