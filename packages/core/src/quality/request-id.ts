/**
 * Request ids the gateway gives every answer (`x-request-id`): UUIDv7, whose first 48 bits are the time in
 * ms, so feedback for an id the ledger no longer holds can be told `expired` rather than `unknown`.
 */
export function requestIdAt(ms: number, random: Uint8Array): string {
  const hex = ms.toString(16).padStart(12, '0').slice(-12);
  const r = [...random.slice(0, 10)].map((b) => b.toString(16).padStart(2, '0')).join('');
  const variant = ((Number.parseInt(r.slice(3, 4), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7${r.slice(0, 3)}-${variant}${r.slice(4, 7)}-${r.slice(7, 19)}`;
}

const UUID7 = /^([0-9a-f]{8})-([0-9a-f]{4})-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The time (ms) a gateway-made request id was issued, or null for any other id (a caller's own). */
export function requestIdTime(id: string): number | null {
  const m = UUID7.exec(id);
  return m ? Number.parseInt(m[1]! + m[2]!, 16) : null;
}

/** Ids a caller may send in `x-request-id` and in feedback: printable, no spaces, at most 128 characters. */
export const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;
