/** Integration tests run against the Postgres and Redis that `npm test` prepared. */
export function requireTestEnv(): { databaseUrl: string; redisUrl: string } {
  const { DATABASE_URL, REDIS_URL } = process.env;
  if (!DATABASE_URL || !REDIS_URL) {
    throw new Error("integration tests need DATABASE_URL and REDIS_URL: run them through 'npm test'");
  }
  return { databaseUrl: DATABASE_URL, redisUrl: REDIS_URL };
}
