import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArtifactError } from './errors';
import { inspectArtifact, uploadDetails } from './inspect';
import { serviceOfDetails } from './service';
import { Fixtures } from './test/fixtures';
import { unpackArtifact } from './unpack';

let work: string;
let fixtures: Fixtures;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'slipway-service-artifact-test-'));
  await mkdir(join(work, 'fixtures'));
  fixtures = new Fixtures(join(work, 'fixtures'));
});
afterAll(() => rm(work, { recursive: true, force: true }));

const APP = 'import http.server\n';

async function unpack(entries: { name: string; content: string | Uint8Array }[]) {
  const { path, filename } = await fixtures.tarGz('pi.tar.gz', entries);
  return unpackArtifact({ archivePath: path, filename, destDir: join(work, `out-${Math.random().toString(36).slice(2)}`) });
}

async function refusal(manifest: string): Promise<string> {
  const error = await unpack([
    { name: 'slipway.yaml', content: manifest },
    { name: 'app.py', content: APP },
  ]).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ArtifactError);
  expect((error as ArtifactError).code).toBe('invalid_manifest');
  return (error as Error).message;
}

describe('a service artifact (slipway.yaml runtime: service)', () => {
  it('is unpacked without an ONNX file, with the contract defaults users know (health /health, 30 s drain)', async () => {
    const artifact = await unpack([
      { name: 'slipway.yaml', content: 'runtime: service\ncommand: ["python3", "app.py"]\n' },
      { name: 'app.py', content: APP },
    ]);
    expect(artifact.modelFile).toBe('slipway.yaml');
    expect(artifact.python).toBeNull();
    expect(artifact.service).toEqual({
      command: ['python3', 'app.py'],
      healthPath: '/health',
      startupTimeoutSeconds: 300,
      requestTimeoutSeconds: 60,
      drainSeconds: 30,
      openapiPath: null,
      env: {},
      secrets: [],
      requirementsFile: null,
      wheels: [],
      signature: null,
    });
  });

  it('keeps every declared key, and the version details round-trip to what the worker reads', async () => {
    const manifest = [
      'runtime: service',
      'command: [node, server.js]',
      'health: /ping',
      'startupTimeoutSeconds: 20',
      'requestTimeoutSeconds: 5',
      'drainSeconds: 2',
      'openapi: /openapi.json',
      'env: {MODE: fast}',
      'secrets: [PI_TOKEN, PI_TOKEN]',
      'requirements: deps/req.txt',
    ].join('\n');
    const { path, filename } = await fixtures.tarGz('node-pi.tar.gz', [
      { name: 'slipway.yaml', content: manifest },
      { name: 'server.js', content: '' },
      { name: 'deps/req.txt', content: '' },
      { name: 'wheels/x-1.0-py3-none-any.whl', content: 'PK' },
    ]);
    const details = uploadDetails(await inspectArtifact({ archivePath: path, filename }));
    const service = serviceOfDetails(JSON.parse(JSON.stringify(details)));
    expect(service).toMatchObject({
      command: ['node', 'server.js'],
      healthPath: '/ping',
      startupTimeoutSeconds: 20,
      requestTimeoutSeconds: 5,
      drainSeconds: 2,
      openapiPath: '/openapi.json',
      env: { MODE: 'fast' },
      secrets: ['PI_TOKEN'],
      requirementsFile: 'deps/req.txt',
      wheels: ['wheels/x-1.0-py3-none-any.whl'],
    });
    expect(serviceOfDetails({ modelFile: 'model.onnx' })).toBeNull();
  });

  it('refuses a service without a command, with a model file, or setting what the platform sets', async () => {
    expect(await refusal('runtime: service\n')).toContain("needs 'command'");
    expect(await refusal('runtime: service\ncommand: [python3, app.py]\nmodel: app.py\n')).toContain("no 'model' or 'predictor'");
    expect(await refusal('runtime: service\ncommand: [python3, app.py]\nenv: {PORT: "1"}\n')).toContain('may not set PORT');
    expect(await refusal('runtime: service\ncommand: [python3, app.py]\nsecrets: [lower-case]\n')).toContain('environment variable name');
    expect(await refusal('runtime: service\ncommand: [python3, app.py]\nhealth: health\n')).toContain('absolute path');
    expect(await refusal('command: [python3, app.py]\n')).toContain("need 'runtime: service'");
  });
});
