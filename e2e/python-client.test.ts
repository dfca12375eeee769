import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from './api-client';
import { startStack } from './stack';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The Python client's own unittest suite (clients/python/tests), run from the source tree against the test platform. */
describe('Python client', () => {
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    const stack = await startStack();
    const admin = await ApiClient.login(stack.webUrl, stack.admin.email, stack.admin.password);
    const key = (await admin.request('POST', '/api/v1/api-keys', { name: `python-${randomUUID().slice(0, 8)}` })).body.key;
    env = {
      ...process.env,
      PYTHONPATH: path.join(root, 'clients', 'python', 'src'),
      SLIPWAY_URL: stack.webUrl,
      SLIPWAY_KEY: key,
      SLIPWAY_GATEWAY_URL: stack.gatewayUrl,
      SLIPWAY_TEST_MODEL_PATH: stack.demoModelPath,
    };
  });

  it('uploads, deploys, waits until ready and predicts, as its unittest suite checks', async () => {
    const run = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
      const child = spawn('python3', ['-m', 'unittest', 'discover', '-v', '-s', 'clients/python/tests', '-t', 'clients/python'], { cwd: root, env });
      let output = '';
      child.stdout.on('data', (chunk) => (output += chunk));
      child.stderr.on('data', (chunk) => (output += chunk));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, output }));
    });
    expect(run.code, run.output).toBe(0);
    expect(run.output).toMatch(/Ran 7 tests in [\d.]+s\n\nOK\n/);
  });
});
