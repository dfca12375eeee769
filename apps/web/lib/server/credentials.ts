import { randomBytes } from 'node:crypto';

export interface CredentialStore<U extends { passwordHash: string }> {
  findUserByEmail(email: string): Promise<U | null>;
  verifyPassword(password: string, hash: string): Promise<boolean>;
  hashPassword(password: string): Promise<string>;
}

let dummyHash: Promise<string> | undefined;

/**
 * The user whose email and password these are, or null. An unknown email costs one password
 * comparison too (against a hash of random bytes), so the answer's timing does not tell which
 * addresses have accounts.
 */
export async function checkCredentials<U extends { passwordHash: string }>(store: CredentialStore<U>, email: string, password: string): Promise<U | null> {
  const user = await store.findUserByEmail(email.toLowerCase());
  dummyHash ??= store.hashPassword(randomBytes(16).toString('hex'));
  const matches = await store.verifyPassword(password, user?.passwordHash ?? (await dummyHash));
  return user && matches ? user : null;
}
