import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openSecret, SecretKeyError, sealSecret, secretKeyFrom } from './secret-box';

describe('secret box (AES-256-GCM under SLIPWAY_SECRET_KEY)', () => {
  const key = randomBytes(32);

  it('opens what it sealed, and the sealed bytes never contain the value', () => {
    const sealed = sealSecret(key, 'team-a', 'PI_TOKEN', 'the value');
    expect(Buffer.from(sealed).includes(Buffer.from('the value'))).toBe(false);
    expect(openSecret(key, 'team-a', 'PI_TOKEN', sealed)).toBe('the value');
    // A fresh IV each time: the same value seals differently.
    expect(Buffer.from(sealSecret(key, 'team-a', 'PI_TOKEN', 'the value')).equals(Buffer.from(sealed))).toBe(false);
  });

  it('refuses another key, another team or name (copied rows), and altered bytes', () => {
    const sealed = sealSecret(key, 'team-a', 'PI_TOKEN', 'the value');
    expect(() => openSecret(randomBytes(32), 'team-a', 'PI_TOKEN', sealed)).toThrow();
    expect(() => openSecret(key, 'team-b', 'PI_TOKEN', sealed)).toThrow();
    expect(() => openSecret(key, 'team-a', 'OTHER', sealed)).toThrow();
    const altered = Buffer.from(sealed);
    altered[altered.length - 1]! ^= 1;
    expect(() => openSecret(key, 'team-a', 'PI_TOKEN', altered)).toThrow();
  });

  it('reads a 32-byte key as base64 or hex, and says what is wrong otherwise', () => {
    expect(secretKeyFrom(key.toString('base64')).equals(key)).toBe(true);
    expect(secretKeyFrom(key.toString('hex')).equals(key)).toBe(true);
    expect(() => secretKeyFrom(undefined)).toThrow(SecretKeyError);
    expect(() => secretKeyFrom(randomBytes(16).toString('base64'))).toThrow(/must be 32 bytes/);
  });
});
