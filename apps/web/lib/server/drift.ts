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
