import { describe, expect, it } from 'vitest';
import { checkCredentials, type CredentialStore } from './credentials';

interface User {
  email: string;
  passwordHash: string;
}

/** A store whose "hash" is the password reversed, recording every comparison made. */
function store(users: User[]) {
  const comparisons: string[] = [];
  const credentials: CredentialStore<User> = {
    findUserByEmail: async (email) => users.find((u) => u.email === email) ?? null,
    verifyPassword: async (password, hash) => {
      comparisons.push(hash);
      return [...password].reverse().join('') === hash;
    },
    hashPassword: async (password) => `dummy:${[...password].reverse().join('')}`,
  };
  return { credentials, comparisons };
}

describe('checking credentials', () => {
  const alice = { email: 'alice@example.com', passwordHash: 'terces' };

  it('finds the user for the right password, whatever the email case', async () => {
    const { credentials } = store([alice]);
    expect(await checkCredentials(credentials, 'Alice@Example.com', 'secret')).toBe(alice);
    expect(await checkCredentials(credentials, 'alice@example.com', 'wrong')).toBeNull();
  });

  it('spends one password comparison on an unknown email too, against a hash no password matches', async () => {
    const { credentials, comparisons } = store([alice]);
    expect(await checkCredentials(credentials, 'nobody@example.com', 'secret')).toBeNull();
    expect(comparisons).toHaveLength(1);
    expect(comparisons[0]).toMatch(/^dummy:/);
    expect(await checkCredentials(credentials, 'alice@example.com', 'wrong')).toBeNull();
    expect(comparisons).toHaveLength(2);
  });
});
