import { bucketMsFor, driftReport } from '@slipway/core';
import { loadDriftReferences, loadDriftWindows } from '@slipway/db';
import { z } from 'zod';
import { serverContext } from '@/lib/server/context';
import { findDeployment } from '@/lib/server/deployments';
import { pickVariant } from '@/lib/server/drift';
import { route } from '@/lib/server/route';

const querySchema = z.object({
  minutes: z.coerce
    .number()
    .int()
    .min(1)
    .max(30 * 24 * 60)
    .default(60),
  variant: z.string().min(1).max(100).optional(),
});

/**
 * Data drift of one variant over the last `minutes`: per input column and output, reference vs current histograms,
 * score, threshold, status and drift over time, plus how many features drifted.
 */
export const GET = route<{ name: string }, undefined, typeof querySchema>({ query: querySchema }, async ({ user, params, query }) => {
  const { db } = serverContext();
  const deployment = await findDeployment(user, params.name, 'viewer');
  const variant = pickVariant(deployment.variants, query.variant, deployment.name);
  const to = Date.now();
  const from = to - query.minutes * 60_000;
  const bucketMs = bucketMsFor(to - from);
  // Whole stored minutes: the first bucket starts at the minute holding `from`.
  const start = Math.floor(from / 60_000) * 60_000;
  const [{ references, baseline }, windows] = await Promise.all([
    loadDriftReferences(db, variant.versionId),
    loadDriftWindows(db, variant.id, new Date(start), new Date(to)),
  ]);
  return {
    variant: { name: variant.name, versionLabel: variant.version.label },
    variants: deployment.variants.map((v) => v.name),
    window: { minutes: query.minutes, from: new Date(start).toISOString(), to: new Date(to).toISOString(), bucketSeconds: bucketMs / 1000 },
    baseline,
    ...driftReport({ windows, references, from: start, to, bucketMs }),
  };
});
