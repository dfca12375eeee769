import { bucketMsFor, driftReport } from '@slipway/core';
import { loadDriftReferences, loadDriftWindows } from '@slipway/db';
import { serverContext } from './context';
import type { findDeployment } from './deployments';
import { ApiError } from './errors';

interface VariantRow {
  id: string;
  name: string;
  role: string;
  trafficWeight: number;
  versionId: string;
  version: { label: number };
}

/** The variant the drift page looks at: the one named, else the primary with the most traffic. */
export function pickVariant<V extends VariantRow>(variants: readonly V[], name: string | undefined, deployment: string): V {
  if (name !== undefined) {
    const named = variants.find((v) => v.name === name);
    if (!named) throw new ApiError('not_found', `variant '${name}' not found in deployment '${deployment}'`);
    return named;
  }
  const primaries = variants.filter((v) => v.role === 'primary');
  const best = [...(primaries.length > 0 ? primaries : variants)].sort((a, b) => b.trafficWeight - a.trafficWeight)[0];
  if (!best) throw new ApiError('not_found', `deployment '${deployment}' has no variants`);
  return best;
}

/**
 * Data drift of one variant over the last `minutes`: per input column and output, reference vs current histograms,
 * score, threshold, status and drift over time, plus how many features drifted.
 */
export async function deploymentDrift(deployment: Awaited<ReturnType<typeof findDeployment>>, query: { minutes: number; variant?: string }) {
  const { db } = serverContext();
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
}
