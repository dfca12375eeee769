// Spend to date as the overview computes it (`loadSpend`: ended replicas' seconds summed by Postgres per deployment
// and machine price, running replicas read one by one, and @slipway/core's pure `spendToDate` turning them into money),
// against a baseline in the same run: the whole sum done by Postgres in one aggregate query. (Reading every row and
// summing in JavaScript, the first version, took 23× the baseline: about 2 s at 20,000 rows on a loaded machine.) At a month of autoscaling
// churn (20,000 replica rows in one team), both must agree to the cent, and the JS path must stay well under the
// overview's 1 s budget.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { at } from '@slipway/core';
import { createDb, loadSpend } from '@slipway/db';
import { seedDeployment } from '@slipway/testkit';
import type { PlatformEnv } from '../scripts/lib/platform';

const REPLICAS = Number(process.env.BENCH_SPEND_REPLICAS ?? 20_000);
const RUNS = 7;
const HOUR = 3_600_000;

const median = (values: number[]) =>
  at(
    [...values].sort((a, b) => a - b),
    Math.floor(values.length / 2),
  );

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, value };
}

export async function benchSpend(env: PlatformEnv): Promise<void> {
  const db = createDb(env.databaseUrl, { poolSize: 2 });
  try {
    const seeded = await seedDeployment(db, `bench-spend-${randomUUID().slice(0, 8)}`, ['primary']);
    const now = Date.now();
    // A month of churn: replicas of 5 minutes to 10 hours, most ended, one in 50 still running.
    const rows = Array.from({ length: REPLICAS }, (_, i) => {
      const createdAt = new Date(now - ((i * 37) % (30 * 24)) * HOUR - (i % 60) * 60_000);
      const ended = i % 50 !== 0;
      const updatedAt = ended ? new Date(Math.min(now, createdAt.getTime() + (5 + ((i * 13) % 595)) * 60_000)) : createdAt;
      return { variantId: seeded.variantIds.primary, state: ended ? ('stopped' as const) : ('ready' as const), createdAt, updatedAt };
    });
    for (let i = 0; i < rows.length; i += 5_000) await db.replica.createMany({ data: rows.slice(i, i + 5_000) });

    const js: number[] = [];
    const sql: number[] = [];
    let jsCost = 0;
    let sqlCost = 0;
    for (let run = 0; run < RUNS; run++) {
      const a = await timed(() => loadSpend(db, [seeded.teamId], now));
      const b = await timed(
        () => db.$queryRaw<{ cost: number }[]>`
          SELECT COALESCE(SUM(EXTRACT(EPOCH FROM (LEAST(CASE WHEN r.state IN ('stopped', 'failed') THEN r."updatedAt" ELSE ${new Date(now)} END, ${new Date(now)}) - r."createdAt")) / 3600.0 * m."hourlyCost"), 0)::float8 AS cost
          FROM "Replica" r JOIN "Variant" v ON v.id = r."variantId" JOIN "Deployment" d ON d.id = v."deploymentId" JOIN "MachineType" m ON m.id = v."machineTypeId"
          WHERE d."teamId" = ${seeded.teamId}::uuid`,
      );
      js.push(a.ms);
      sql.push(b.ms);
      jsCost = a.value.total.cost;
      sqlCost = at(b.value, 0).cost;
    }
    const [jsMs, sqlMs] = [median(js), median(sql)];
    console.log(`replica rows: ${REPLICAS}, runs: ${RUNS} (medians)`);
    console.log(`  loadSpend (SQL sums + spendToDate)          : ${jsMs.toFixed(1)} ms, total $${jsCost.toFixed(4)}`);
    console.log(`  baseline (one SQL aggregate):                ${sqlMs.toFixed(1)} ms, total $${sqlCost.toFixed(4)}`);
    console.log(`  ratio loadSpend / baseline: ${(jsMs / sqlMs).toFixed(2)}×; totals differ by $${Math.abs(jsCost - sqlCost).toFixed(6)}`);
    if (Math.abs(jsCost - sqlCost) > 0.01) throw new Error('spendToDate and the SQL aggregate disagree');
    await db.replica.deleteMany({ where: { variantId: seeded.variantIds.primary } });
  } finally {
    await db.$disconnect();
  }
}
