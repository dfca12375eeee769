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

/**
 * A stable point in [0, 1) for a sticky key: the same caller lands on the same variant, and keys that
 * differ only in their last characters (`session-1000000`, `session-1000001`…) spread like random draws.
 */
export function stickyUnit(key: string): number {
  return murmur3(key) / 0x1_0000_0000;
}

/**
 * MurmurHash3 (x86, 32-bit) of the key's UTF-8 bytes, as every other implementation computes it, so a
 * client in another language can tell which variant a key lands on. Every byte block is mixed and the
 * result avalanched, unlike FNV-1a, whose high bits barely move when only the last characters change.
 */
export function murmur3(key: string, seed = 0): number {
  let hash = seed | 0;
  let block = 0;
  let filled = 0;
  let length = 0;
  const push = (byte: number) => {
    block |= byte << (filled * 8);
    length++;
    if (++filled < 4) return;
    hash ^= scrambleBlock(block);
    hash = (hash << 13) | (hash >>> 19);
    hash = (Math.imul(hash, 5) + 0xe6546b64) | 0;
    block = 0;
    filled = 0;
  };
  // UTF-8 encoded on the fly (a lone surrogate as U+FFFD, like TextEncoder): no buffer per request.
  for (let i = 0; i < key.length; i++) {
    let c = key.charCodeAt(i);
    if (c < 0x80) push(c);
    else if (c < 0x800) {
      push(0xc0 | (c >> 6));
      push(0x80 | (c & 63));
    } else {
      const next = key.charCodeAt(i + 1);
      if (c >= 0xd800 && c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        i++;
        push(0xf0 | (c >> 18));
        push(0x80 | ((c >> 12) & 63));
      } else {
        if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
        push(0xe0 | (c >> 12));
      }
      push(0x80 | ((c >> 6) & 63));
      push(0x80 | (c & 63));
    }
  }
  if (filled > 0) hash ^= scrambleBlock(block);
  hash ^= length;
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

function scrambleBlock(block: number): number {
  let k = Math.imul(block, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  return Math.imul(k, 0x1b873593);
}
