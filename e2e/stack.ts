import { inject } from 'vitest';

/** The platform started once for all journeys by e2e/global-setup.ts. */
export async function startStack() {
  const stack = inject('stack');
  return { ...stack, stop: async () => undefined };
}
