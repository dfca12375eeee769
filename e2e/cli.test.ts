import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ApiClient } from './api-client';
import { startStack } from './stack';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** What `npx slipway` runs from the repository. */
const SLIPWAY = path.join(root, 'node_modules', '.bin', 'slipway');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The CLI as people run it, as a subprocess against the test platform. */
describe('slipway CLI', () => {
  let stack: Awaited<ReturnType<typeof startStack>>;
  let admin: ApiClient;
  let home: string;
  let env: NodeJS.ProcessEnv;
  const suffix = randomUUID().slice(0, 8);
  const model = `iris-cli-${suffix}`;
  const name = `cli-${suffix}`;

  const slipway = (args: string[], extraEnv: NodeJS.ProcessEnv = env): Promise<Run> =>
    new Promise((resolve, reject) => {
      const child = spawn(SLIPWAY, args, { cwd: root, env: extraEnv });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => (stdout += chunk));
      child.stderr.on('data', (chunk) => (stderr += chunk));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });

  const deployFile = (replicas: number) => `# ${name}: the iris classifier
deployments:
  - name: ${name}
    model: ${model}
    variants:
      - name: primary
        versionLabel: 1
        machineType: cpu-small
        replicas: ${replicas}
`;

  beforeAll(async () => {
    stack = await startStack();
    admin = await ApiClient.login(stack.webUrl, stack.admin.email, stack.admin.password);
    const key = (await admin.request('POST', '/api/v1/api-keys', { name: `cli-${suffix}` })).body.key;
    expect((await admin.request('POST', '/api/v1/models', { name: model })).status).toBe(201);
    home = await mkdtemp(path.join(tmpdir(), 'slipway-cli-test-'));
    // No SLIPWAY_URL/SLIPWAY_KEY: the CLI reads what `slipway login` saved under XDG_CONFIG_HOME.
    const { SLIPWAY_URL: _url, SLIPWAY_KEY: _key, ...rest } = process.env;
    env = { ...rest, XDG_CONFIG_HOME: home, NO_COLOR: '1' };
    const login = await slipway(['login', stack.webUrl, '--key', key]);
    expect(login).toMatchObject({ code: 0, stdout: expect.stringContaining(`Logged in to ${stack.webUrl} as ${stack.admin.email}`) });
  });

  afterAll(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it('uploads a model, applies a file, diffs it (0 same, 1 different), and exports what runs so it diffs as the same', async () => {
    const upload = await slipway(['upload', model, stack.demoModelPath]);
    expect(upload.stderr).toBe('');
    expect(upload.code).toBe(0);
    expect(upload.stdout).toMatch(new RegExp(`^${model} v1 ready sha256:[a-f0-9]{64}\\n$`));
    const digest = upload.stdout.trim().split('sha256:')[1];

    const models = await slipway(['models']);
    expect(models.stdout).toMatch(new RegExp(`${model}\\s+\\S+\\s+1\\s+v1\\s+ready\\s+sha256:${digest!.slice(0, 12)}`));

    const file = path.join(home, 'slipway.deploy.yaml');
    await writeFile(file, deployFile(1));
    const applied = await slipway(['apply', '-f', file]);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toContain(`+ ${name} (model ${model})`);
    expect(applied.stdout).toContain('    + variants.primary.replicas: 1');
    expect(applied.stdout).toContain('Plan: 1 to add, 0 to change, 0 to destroy.');
    expect(applied.stdout).toContain(`${name}: revision 1 is live`);
    const live = (await admin.request('GET', `/api/v1/deployments/${name}`)).body.deployment;
    expect(live).toMatchObject({ status: 'ready', revision: 1, stableRevision: 1 });

    expect(await slipway(['diff', '-f', file])).toMatchObject({ code: 0, stdout: expect.stringContaining('No changes. What runs matches the file.') });
    const again = await slipway(['apply', '-f', file]);
    expect(again).toMatchObject({ code: 0, stdout: expect.stringContaining('No changes.') });
    expect((await admin.request('GET', `/api/v1/deployments/${name}`)).body.deployment.revision).toBe(1);

    await writeFile(file, deployFile(2));
    const diff = await slipway(['diff', '-f', file]);
    expect(diff.code).toBe(1);
    expect(diff.stdout).toContain(`~ ${name} (model ${model})\n    ~ variants.primary.replicas: 1 → 2\n`);
    expect(diff.stdout).toContain('Plan: 0 to add, 1 to change, 0 to destroy.');
    expect(diff.stdout).toMatch(/worst case 2 replicas, \d+ vCPU, \d+ MB/);

    const exported = path.join(home, 'exported.yaml');
    const exporting = await slipway(['export', name, '-o', exported]);
    expect(exporting.code, exporting.stderr).toBe(0);
    const text = await readFile(exported, 'utf8');
    expect(text.split('\n')[0]).toBe(`# yaml-language-server: $schema=${stack.webUrl}/api/v1/schemas/deploy`);
    expect(parse(text).deployments).toEqual([
      {
        name,
        model,
        variants: [{ name: 'primary', role: 'primary', versionDigest: `sha256:${digest}`, machineType: 'cpu-small', replicas: 1, weight: 100 }],
        strategy: { type: 'blue-green' },
      },
    ]);
    expect(await slipway(['diff', '-f', exported])).toMatchObject({ code: 0 });

    const scaled = await slipway(['apply', '-f', file]);
    expect(scaled.code, scaled.stderr).toBe(0);
    expect(scaled.stdout).toContain(`${name}: revision 2 is live`);
    const after = (await admin.request('GET', `/api/v1/deployments/${name}`)).body.deployment;
    expect(after.spec.variants[0].replicas).toBe(2);
    expect(await slipway(['diff', '-f', file])).toMatchObject({ code: 0 });

    const status = await slipway(['status', name]);
    expect(status.stdout).toContain(`${name} (model ${model}): ready; revision 2, live 2`);
    const events = await slipway(['events', name]);
    expect(events.stdout).toMatch(/\d\d:\d\d:\d\d Revision 2 by .+: primary: replicas 1 → 2\n/);
    // Each replica's own output: the runtime says where it listens, with the line's time and the replica's short id.
    const logs = await slipway(['logs', name, '--search', 'listening']);
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout).toMatch(/^\d\d:\d\d:\d\d\.\d{3} [0-9a-f]{8} listening port=\d+/m);
    expect(
      new Set(
        logs.stdout
          .trim()
          .split('\n')
          .map((l) => l.split(' ')[1]),
      ).size,
    ).toBeGreaterThanOrEqual(2);

    // --prune: running deployments the file leaves out are planned to be stopped (only planned here).
    const empty = path.join(home, 'empty.yaml');
    await writeFile(empty, 'deployments: []\n');
    const pruned = await slipway(['diff', '--prune', '-f', empty]);
    expect(pruned.code).toBe(1);
    expect(pruned.stdout).toContain(`- ${name} (model ${model}): will be stopped\n    - variants.primary.version: v1 (sha256:${digest!.slice(0, 12)})\n`);
    expect(pruned.stdout).toMatch(/Plan: 0 to add, 0 to change, [1-9]\d* to destroy\./);
  });

  it('refuses a bad file with its line and what is wrong, exit 2, before sending anything', async () => {
    const file = path.join(home, 'bad.deploy.yaml');
    await writeFile(
      file,
      [
        'deployments:',
        `  - name: ${name}-bad`,
        `    model: ${model}`,
        '    variants:',
        '      - name: primary',
        '        versionLabel: 1',
        `        versionDigest: sha256:${'0'.repeat(64)}`,
        '        machineType: cpu-small',
        '      - name: b',
        '        versionLabel: 1',
        '        machineType: cpu-small',
        '        replica: 2',
        '',
      ].join('\n'),
    );
    const bad = await slipway(['diff', '-f', file]);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toBe(
      [
        `error: ${file} is not a valid deployment file:`,
        `${file}:7: deployments.0.variants.0.versionDigest: give exactly one of versionDigest and versionLabel`,
        `${file}:9: deployments.0.variants.1: Unrecognized key: "replica"`,
        '',
      ].join('\n'),
    );
  });

  it('reports what the server refuses (an unknown machine type) with exit 2', async () => {
    const file = path.join(home, 'unknown-machine.yaml');
    await writeFile(file, deployFile(1).replace('cpu-small', 'cpu-enormous'));
    const refused = await slipway(['apply', '-f', file]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(`error: deployments.0 (${name}): variant 'primary': unknown machine type 'cpu-enormous' (validation_error, HTTP 400)\n`);
  });
});
