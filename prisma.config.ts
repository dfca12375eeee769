import path from 'node:path';
import pg from 'pg';
import { defineConfig } from 'prisma/config';
import { PrismaPg } from '@prisma/adapter-pg';

// Catalog types the Wasm schema engine reads but @prisma/adapter-pg 6.19 cannot map:
// `name` (19) and `"char"` (18). Both are plain text to the engine.
const CATALOG_TEXT_OIDS = new Set([18, 19]);
const TEXT_OID = 25;

function catalogSafePool(connectionString: string): pg.Pool {
  const pool = new pg.Pool({ connectionString, max: 2 });
  const query = pool.query.bind(pool) as (...args: unknown[]) => Promise<pg.QueryResult>;
  (pool as unknown as { query: typeof query }).query = async (...args: unknown[]) => {
    const result = await query(...args);
    for (const field of result.fields ?? []) {
      if (CATALOG_TEXT_OIDS.has(field.dataTypeID)) field.dataTypeID = TEXT_OID;
    }
    return result;
  };
  return pool;
}

// The JS engine + driver adapter keep the Prisma CLI offline (no native engines to download).
export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: path.join('prisma', 'schema.prisma'),
  migrations: { path: path.join('prisma', 'migrations') },
  adapter: async () => new PrismaPg(catalogSafePool(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres')),
});
