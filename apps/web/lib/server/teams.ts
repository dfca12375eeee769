import { z } from 'zod';

/** Bytes of artifacts a team may store; null lifts the limit. */
export const storageQuotaSchema = z.number().int().nonnegative().nullable();

export const toQuota = (bytes: number | null | undefined) => (bytes === undefined || bytes === null ? null : BigInt(bytes));

export function serializeTeam(team: { id: string; name: string; storageQuotaBytes: bigint | null }) {
  return { id: team.id, name: team.name, storageQuotaBytes: team.storageQuotaBytes === null ? null : Number(team.storageQuotaBytes) };
}
