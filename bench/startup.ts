// A replica's start: from spawning it to its `listening` line, and its memory and CPU at that moment,
// compiled (node apps/runtime/dist/main.js, what npm start runs) against from source (node --import tsx
// apps/runtime/src/main.ts, what it ran before), on the demo iris model. `npm run bench startup`.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { loadavg } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { at, parseListeningLine, runtimeLaunchEnv } from '@slipway/core';
import { type RuntimeBuild, runtimeCommand } from '@slipway/core/runtime-command';
import type { PlatformEnv } from '../scripts/lib/platform';
import { cpuMs, rssBytes } from './lib/processes';

const TURNS = Number(process.env.BENCH_STARTUP_TURNS ?? 8);
const MiB = 1024 ** 2;

interface Start {
  build: RuntimeBuild;
  /** Spawn to the `listening` line. */
  listeningMs: number;
  rssMiB: number;
  cpuMs: number;
}

async function startOnce(build: RuntimeBuild, modelPath: string): Promise<Start> {
  const { command, args, cwd } = runtimeCommand(build);
  // No drift collection (no variant) and no Redis: only the replica's own start is measured.
  const env = runtimeLaunchEnv({ port: 0, host: '127.0.0.1', modelPath, modelName: 'iris', modelVersion: '1' }, process.env, {
    SLIPWAY_DRIFT_WINDOW_MS: '0',
  });
  const started = performance.now();
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = once(child, 'exit');
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (parseListeningLine(line) !== undefined) resolve();
    });
    child.once('exit', (code) => reject(new Error(`the ${build} runtime exited (${code}) before listening`)));
  });
  const listeningMs = performance.now() - started;
  const measured = { build, listeningMs, rssMiB: (await rssBytes(child.pid!)) / MiB, cpuMs: await cpuMs(child.pid!) };
  child.kill('SIGTERM');
  await exited;
  return measured;
}

const median = (values: number[]) =>
  at(
    [...values].sort((a, b) => a - b),
    Math.floor(values.length / 2),
  );

export async function benchStartup(env: PlatformEnv): Promise<void> {
  const modelPath = path.join(env.root, 'models', 'iris', 'iris.onnx');
  const [load1, load5] = loadavg();
  console.log(
    `${TURNS} starts each, alternating (load average ${load1!.toFixed(2)} / ${load5!.toFixed(2)} over 1 / 5 min, ${process.env.BENCH_STARTUP_TURNS ? '' : 'BENCH_STARTUP_TURNS=8; '}one start at a time)`,
  );
  // One start of each first: the page cache holds both sets of files before anything is measured.
  await startOnce('source', modelPath);
  await startOnce('compiled', modelPath);
  const starts: Start[] = [];
  for (let turn = 0; turn < TURNS; turn++) {
    // Alternating which goes first (ABBA), so a slower moment of a shared machine hits both alike.
    const order: RuntimeBuild[] = turn % 2 === 0 ? ['source', 'compiled'] : ['compiled', 'source'];
    for (const build of order) starts.push(await startOnce(build, modelPath));
  }
  const summary = (build: RuntimeBuild) => {
    const mine = starts.filter((s) => s.build === build);
    return {
      build,
      'start → listening (ms, median)': Math.round(median(mine.map((s) => s.listeningMs))),
      'RSS at listening (MiB, median)': Number(median(mine.map((s) => s.rssMiB)).toFixed(1)),
      'CPU to listening (ms, median)': Math.round(median(mine.map((s) => s.cpuMs))),
    };
  };
  const source = summary('source');
  const compiled = summary('compiled');
  console.table([source, compiled]);
  const ratio = (key: keyof typeof source) => (Number(compiled[key]) / Number(source[key])).toFixed(2);
  const [after1] = loadavg();
  console.log(
    `→ compiled / tsx: start → listening ${ratio('start → listening (ms, median)')}, RSS ${ratio('RSS at listening (MiB, median)')}, ` +
      `CPU ${ratio('CPU to listening (ms, median)')} (load average ${after1!.toFixed(2)} at the end)`,
  );
}
