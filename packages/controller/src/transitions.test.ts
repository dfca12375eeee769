import { randomUUID } from 'node:crypto';
import { deploymentSpecSchema, type DeploymentSpec } from '@slipway/core';
import { createDb, type Db } from '@slipway/db';
import { requireTestEnv, seedDeployment } from '@slipway/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendRevision, loadRevision } from './revisions';
import { TransitionError, update, type Transitions } from './transitions';

/** Updates against real Postgres, many at once, as concurrent PATCH /deployments/{name} requests send them. */
describe('concurrent updates of one deployment', () => {
  const env = requireTestEnv();
  const suffix = randomUUID().slice(0, 8);
  let db: Db;
  let transitions: Transitions;
  const woken: string[] = [];

  beforeAll(() => {
    // The web's pool size: fewer connections than callers, as under a burst of requests.
    db = createDb(env.databaseUrl);
    transitions = { db, producer: { enqueue: async (_name, payload) => void woken.push((payload as { deploymentId: string }).deploymentId) } };
  });

  afterAll(async () => {
    await db?.$disconnect();
  });

  /** A deployment whose revision 1 (one replica) has rolled out: nothing is in progress. */
  async function settledDeployment() {
    const name = `tr-${suffix}-${randomUUID().slice(0, 6)}`;
    const { deployment } = await seedDeployment(db, name, ['primary']);
    const version = await db.modelVersion.findFirstOrThrow({ where: { modelId: deployment.modelId } });
    const specWith = (replicas: number): DeploymentSpec =>
      deploymentSpecSchema.parse({
        variants: [{ name: 'primary', versionDigest: version.digest, versionLabel: version.label, machineType: 'cpu-small', replicas, weight: 100 }],
      });
    await db.$transaction((tx) => appendRevision(tx, deployment.id, specWith(1), { reason: 'created', author: 'seed' }));
    await db.deployment.update({ where: { id: deployment.id }, data: { status: 'ready', stableRevision: 1 } });
    const reread = () => db.deployment.findUniqueOrThrow({ where: { id: deployment.id } });
    return { id: deployment.id, specWith, reread, seen: await reread() };
  }

  /** 20 callers that all read the deployment before any of them wrote, each asking for a different replica count. */
  function twentyAtOnce(d: Awaited<ReturnType<typeof settledDeployment>>, supersede: boolean) {
    return Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        update(transitions, d.seen, d.specWith(i + 2), { author: `caller-${i}@example.com`, supersede, admit: async () => undefined }),
      ),
    );
  }

  it('lets one of 20 concurrent updates start a rollout and refuses the other 19 with 409', async () => {
    const d = await settledDeployment();
    const results = await twentyAtOnce(d, false);

    const accepted = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    expect(accepted.map((a) => a.revision)).toEqual([2]);
    expect(refused).toHaveLength(19);
    for (const error of refused) {
      expect(error).toBeInstanceOf(TransitionError);
      expect((error as TransitionError).status).toBe(409);
      expect((error as TransitionError).message).toContain('to revision 2 is in progress');
    }
    const revisions = await db.deploymentRevision.findMany({ where: { deploymentId: d.id }, orderBy: { number: 'asc' } });
    expect(revisions.map((r) => r.number)).toEqual([1, 2]);
    expect((await d.reread()).targetRevision).toBe(2);
  });

  it('makes each of 20 concurrent superseding updates a revision, numbered in the order they were written', async () => {
    const d = await settledDeployment();
    const results = await twentyAtOnce(d, true);

    expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
    const answered = results.map((r, i) => ({ replicas: i + 2, revision: r.status === 'fulfilled' ? r.value.revision : -1 }));
    expect(answered.map((a) => a.revision).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 2));
    // Each caller's answer names the revision that holds its spec; the last written is the target.
    for (const { replicas, revision } of answered) {
      expect((await loadRevision(db, d.id, revision))?.spec.variants[0]?.replicas).toBe(replicas);
    }
    const after = await d.reread();
    expect([after.targetRevision, after.status]).toEqual([21, 'pending']);
  });
});
