import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { resolveBwrap } from '@slipway/environments';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PlacedReplica, ReadyTimeoutError, type ReplicaSpec } from './driver';
import { LocalDriver } from './local-driver';

/** A service that tells what it can see: its environment, its working directory, and whether a host path is readable. */
const INTROSPECT = `
const http = require('node:http');
const fs = require('node:fs');
let stopping = false;
process.on('SIGTERM', () => { stopping = true; console.log('draining'); setTimeout(() => process.exit(0), 100); });
http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  if (url.pathname === '/ready') return res.writeHead(stopping ? 503 : 200).end('ok');
  const probe = url.searchParams.get('path');
  let readable = false;
  try { fs.readdirSync(probe); readable = true; } catch {}
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ env: process.env, cwd: process.cwd(), readable }));
}).listen(Number(process.env.PORT), '127.0.0.1', () => console.log('listening with token', process.env.API_TOKEN));
`;

const SECRET = `s3cret-${randomUUID()}`;
const bwrap = resolveBwrap('auto');

describe.each([
  ['under bubblewrap', bwrap],
  ['without a sandbox', undefined],
])('a service replica on the local driver (%s)', (_label, sandbox) => {
  let appDir: string;
  let driver: LocalDriver;
  const logged: string[] = [];
  /** Where the platform keeps its data: never visible to user code under the sandbox. */
  let platformDir: string;

  beforeAll(async () => {
    appDir = await mkdtemp(path.join(tmpdir(), 'slipway-service-app-'));
    platformDir = await mkdtemp(path.join(tmpdir(), 'slipway-platform-data-'));
    await writeFile(path.join(appDir, 'server.js'), INTROSPECT);
    await writeFile(path.join(appDir, 'never.js'), "console.log('cannot load', process.env.API_TOKEN); setInterval(() => {}, 1000);");
    driver = new LocalDriver({
      hostGpus: 0,
      bindHost: '127.0.0.1',
      advertiseHost: '127.0.0.1',
      owner: `service-replica-test-${process.pid}`,
      log: (line) => logged.push(line),
      ...(sandbox && { bwrap: sandbox }),
    });
  });

  afterAll(async () => {
    await driver.close();
    await rm(appDir, { recursive: true, force: true });
    await rm(platformDir, { recursive: true, force: true });
  });

  function spec(command: string[]): ReplicaSpec {
    return {
      replicaId: randomUUID(),
      variantId: randomUUID(),
      deploymentName: 'svc',
      versionLabel: 1,
      localModelPath: async () => appDir,
      token: 'service-replica-test-token-0123456789',
      vcpu: 1,
      memoryMb: 256,
      gpuCount: 0,
      service: {
        command,
        healthPath: '/ready',
        startupTimeoutMs: 10_000,
        drainMs: 2_000,
        env: { MODE: 'test' },
        secrets: { API_TOKEN: SECRET },
        localArtifactDir: async () => appDir,
      },
      ...{ teamId: 'team', revision: 1, variantName: 'primary', versionDigest: 'd', artifactFilename: 'a.tar.gz', modelFile: 'slipway.yaml', gpuType: null },
    };
  }

  it('starts the command from its artifact with PORT, its env and secrets, and nothing of the platform', async () => {
    process.env.DATABASE_URL ??= 'postgresql://must-not-leak';
    const replica = spec(['node', 'server.js']);
    const placed: PlacedReplica = await driver.start(replica);
    expect(placed.readyPath).toBe('/ready');
    await driver.waitReady(placed, 10_000);
    const seen = await (await fetch(`${placed.address}/?path=${encodeURIComponent(platformDir)}`)).json();
    expect(seen.env).toMatchObject({ MODE: 'test', API_TOKEN: SECRET, PORT: new URL(placed.address).port });
    for (const name of ['DATABASE_URL', 'REDIS_URL', 'SLIPWAY_INTERNAL_TOKEN', 'SLIPWAY_SECRET_KEY']) expect(seen.env[name]).toBeUndefined();
    expect(seen.cwd).toBe(sandbox ? '/app' : appDir);
    expect(seen.readable).toBe(!sandbox);
    // Its output is the replica's log, with the secret's value never in it.
    expect(logged.some((line) => line.includes('listening with token [secret API_TOKEN]'))).toBe(true);
    expect(logged.join('\n')).not.toContain(SECRET);
    // SIGTERM first: the service drains and exits on its own, well within drainSeconds.
    const stopping = Date.now();
    await driver.stop({ id: replica.replicaId, pid: placed.pid });
    expect(Date.now() - stopping).toBeLessThan(2_000);
    expect(driver.isAlive({ id: replica.replicaId, pid: placed.pid })).toBe(false);
  });

  it('fails a start whose health path never answers 200 with its last output, secrets redacted', async () => {
    const replica = spec(['node', 'never.js']);
    const placed = await driver.start(replica);
    const error = await driver.waitReady(placed, 1_500).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReadyTimeoutError);
    expect((error as Error).message).toMatch(/did not answer GET \/ready with 200 within 2 s \(no answer\); last output: cannot load \[secret API_TOKEN\]/);
    await driver.stop({ id: replica.replicaId, pid: placed.pid });
  });
});
