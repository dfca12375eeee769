import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Db } from '@slipway/db';

/*
 * Teams' secrets at rest: AES-256-GCM (node:crypto) under the platform's key (SLIPWAY_SECRET_KEY, 32 bytes as base64
 * or hex), each sealed with its team and name as associated data, so a sealed value copied to another team's or
 * name's row does not open. The web seals (writes only), the worker opens (when it starts a replica that names it).
 */

const IV_BYTES = 12;
const TAG_BYTES = 16;

export class SecretKeyError extends Error {}

/** The 32-byte key from SLIPWAY_SECRET_KEY (base64, base64url or hex). */
export function secretKeyFrom(value: string | undefined): Buffer {
  if (!value) throw new SecretKeyError('SLIPWAY_SECRET_KEY is not set: secrets cannot be stored or read (npm start generates one under .data)');
  const key = /^[0-9a-f]{64}$/i.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
  if (key.length !== 32) throw new SecretKeyError(`SLIPWAY_SECRET_KEY must be 32 bytes (base64 or 64 hex digits); it is ${key.length}`);
  return key;
}

function aad(teamId: string, name: string): Buffer {
  return Buffer.from(`slipway-secret:${teamId}:${name}`);
}

/** iv + tag + ciphertext of `value`, bound to the team and name. */
export function sealSecret(key: Buffer, teamId: string, name: string, value: string): Uint8Array<ArrayBuffer> {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad(teamId, name));
  const ciphertext = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
  // A plain Uint8Array over its own ArrayBuffer: what Prisma's Bytes columns take.
  return new Uint8Array(Buffer.concat([iv, cipher.getAuthTag(), ciphertext]));
}

/** The value sealed by sealSecret; throws when the key, team or name differ or the bytes were altered. */
export function openSecret(key: Buffer, teamId: string, name: string, sealed: Uint8Array): string {
  const bytes = Buffer.from(sealed);
  const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES));
  decipher.setAAD(aad(teamId, name));
  decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
}

/** The named secrets of a team, opened; the names missing from the team are listed instead (a start that cannot proceed). */
export async function openTeamSecrets(
  db: Db,
  key: Buffer,
  teamId: string,
  names: readonly string[],
): Promise<{ values: Record<string, string>; missing: string[] }> {
  if (names.length === 0) return { values: {}, missing: [] };
  const rows = await db.teamSecret.findMany({ where: { teamId, name: { in: [...names] } } });
  const values: Record<string, string> = {};
  for (const row of rows) values[row.name] = openSecret(key, teamId, row.name, row.sealed);
  return { values, missing: names.filter((name) => !(name in values)) };
}
