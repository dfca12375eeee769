/** Traffic split across a deployment's variants. */
export interface WeightedChoice {
  weight: number;
}

/**
 * Picks an item in proportion to its weight, given `unit` uniformly in [0, 1): a random
 * number for a fresh request, or a stable hash of a sticky key so one caller stays on one variant.
 */
export function pickWeighted<T extends WeightedChoice>(items: readonly T[], unit: number): T | undefined {
  const total = items.reduce((sum, item) => sum + Math.max(0, item.weight), 0);
  if (total <= 0) return undefined;
  let point = unit * total;
  for (const item of items) {
    const weight = Math.max(0, item.weight);
    if (point < weight) return item;
    point -= weight;
  }
  return items.findLast((item) => item.weight > 0);
}

/** A stable point in [0, 1) for a sticky key (FNV-1a): the same caller lands on the same variant. */
export function stickyUnit(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) / 0x1_0000_0000;
}
