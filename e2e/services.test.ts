import { execFileSync } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from './api-client';
import { replicaPid } from './processes';
import { startStack } from './stack';

/** Pi to 99 decimals: what both implementations must answer for `?ndigits=99`. */
const PI_99 = '3.141592653589793238462643383279502884197169399375105820974944592307816406286208998628034825342117067';

/** The pi method as a tiny standard-library Python server (the founding proof of concept, without a Dockerfile). */
const PYTHON_PI = `
import hashlib, http.server, json, os, urllib.parse

def pi_digits(n):
    scale = 10 ** (n + 10)
    def arctan_inv(x):
        total = term = scale // x
        x2, k, sign = x * x, 1, -1
        while term:
            term //= x2
            total += sign * (term // (2 * k + 1))
            sign, k = -sign, k + 1
        return total
    digits = str((16 * arctan_inv(5) - 4 * arctan_inv(239)) // 10 ** 10)
    return digits[0] + '.' + digits[1:n + 1]

class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    def do_GET(self):
        url = urllib.parse.urlparse(self.path)
        if url.path == '/health':
            return self.answer(200, {'status': 'ok'})
        if url.path == '/api/v0/pi':
            n = int(urllib.parse.parse_qs(url.query).get('ndigits', ['10'])[0])
            return self.answer(200, {'ndigits': n, 'pi': pi_digits(n), 'version': os.environ.get('VERSION')})
        if url.path == '/secret-digest':
            token = os.environ.get('PI_TOKEN', '')
            print('token in use:', token, flush=True)
            return self.answer(200, {'sha256': hashlib.sha256(token.encode()).hexdigest()})
        self.answer(404, {'error': 'no route'})
    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header('content-type', 'application/json')
        self.send_header('content-length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)
    def log_message(self, fmt, *args):
        pass

http.server.ThreadingHTTPServer.daemon_threads = True
server = http.server.ThreadingHTTPServer(('127.0.0.1', int(os.environ['PORT'])), Handler)
print('pi service listening on', os.environ['PORT'], flush=True)
server.serve_forever()
`;

/** The same method as a Node server. */
const NODE_PI = `
const http = require('node:http');
function piDigits(n) {
  const scale = 10n ** BigInt(n + 10);
  const arctanInv = (x) => {
    let term = scale / x, total = term, k = 1n, sign = -1n;
    while (term) { term /= x * x; total += sign * (term / (2n * k + 1n)); sign = -sign; k += 1n; }
    return total;
  };
  const digits = ((16n * arctanInv(5n) - 4n * arctanInv(239n)) / 10n ** 10n).toString();
  return digits[0] + '.' + digits.slice(1, n + 1);
}
http.createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost');
  const send = (status, body) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  if (url.pathname === '/ping') return send(200, { ok: true });
  if (url.pathname === '/api/v0/pi') {
    const n = Number(url.searchParams.get('ndigits') ?? 10);
    return send(200, { ndigits: n, pi: piDigits(n), version: process.env.VERSION });
  }
  send(404, { error: 'no route' });
}).listen(Number(process.env.PORT), '127.0.0.1', () => console.log('node pi service listening on', process.env.PORT));
`;

/** Never turns healthy: says why on its way (quoting its secret, which must never reach an event). */
const NEVER_HEALTHY = `
import http.server, os
print('loading weights from /nowhere', flush=True)
print('using token', os.environ.get('PI_TOKEN'), flush=True)
print('fatal: weights not found; /health will stay 503', flush=True)
class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(503)
        self.end_headers()
    def log_message(self, fmt, *args):
        pass
http.server.HTTPServer(('127.0.0.1', int(os.environ['PORT'])), Handler).serve_forever()
`;

describe('HTTP services as deployments (runtime: service)', () => {
  let stack: Awaited<ReturnType<typeof startStack>>;
  let admin: ApiClient;
  let apiKey: string;
  let teamId: string;
  const suffix = randomUUID().slice(0, 8);
  const work = mkdtempSync(path.join(tmpdir(), 'slipway-services-e2e-'));
  const secretValue = `pi-token-${randomBytes(12).toString('hex')}`;

  /** A .tar.gz artifact of these files. */
  function artifact(name: string, files: Record<string, string>): { name: string; bytes: Uint8Array } {
    const dir = mkdtempSync(path.join(work, 'src-'));
    for (const [file, content] of Object.entries(files)) writeFileSync(path.join(dir, file), content);
    const out = path.join(work, name);
    execFileSync('tar', ['-czf', out, '-C', dir, ...Object.keys(files)]);
    return { name, bytes: readFileSync(out) };
  }

  const pythonPi = (version: string) =>
    artifact(`pi-py-v${version}.tar.gz`, {
      'slipway.yaml': `runtime: service\ncommand: ["python3", "app.py"]\nstartupTimeoutSeconds: 20\ndrainSeconds: 2\nenv: {VERSION: "${version}"}\nsecrets: [PI_TOKEN]\n`,
      'app.py': PYTHON_PI,
    });

  const callService = (name: string, pathAndQuery: string) =>
    fetch(`${stack.gatewayUrl}/services/${name}${pathAndQuery}`, { headers: { authorization: `Bearer ${apiKey}` } });

  async function createModel(name: string, versions: { name: string; bytes: Uint8Array }[]): Promise<void> {
    expect((await admin.request('POST', '/api/v1/models', { name, teamId })).status).toBe(201);
    for (const file of versions) expect((await admin.uploadInspected(name, file)).status).toBe('ready');
  }

  async function deploy(name: string, modelName: string, versionLabel: number, replicas = 1) {
    const deployment = await admin.deploySettled({ name, modelName, versionLabel, machineType: 'cpu-small', replicas });
    expect([deployment.status, deployment.statusReason]).toEqual(['ready', null]);
    // The gateway has the routing table once a request is answered.
    for (let i = 0; i < 50 && (await callService(name, '/api/v0/pi?ndigits=1')).status !== 200; i++) await new Promise((r) => setTimeout(r, 100));
    return deployment;
  }

  const events = async (name: string) => (await admin.request('GET', `/api/v1/deployments/${name}/events`)).body.events as { step: string; message: string }[];

  beforeAll(async () => {
    stack = await startStack();
    admin = await ApiClient.login(stack.webUrl, stack.admin.email, stack.admin.password);
    apiKey = (await admin.request('POST', '/api/v1/api-keys', { name: `services-${suffix}` })).body.key;
    teamId = (await admin.request('GET', '/api/v1/me')).body.teams.find((t: { role: string }) => t.role !== 'viewer').id;
    const set = await admin.request('PUT', `/api/v1/teams/${teamId}/secrets`, { name: 'PI_TOKEN', value: secretValue });
    expect(set.status).toBe(200);
  }, 120_000);

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('serves the pi method written in Python (standard library) under /services/<name>/, called with an API key', async () => {
    const model = `pi-py-${suffix}`;
    await createModel(model, [pythonPi('1'), pythonPi('2')]);
    const name = `pi-py-${suffix}`;
    await deploy(name, model, 1);
    const response = await callService(name, '/api/v0/pi?ndigits=99');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ndigits: 99, pi: PI_99, version: '1' });
    expect((await fetch(`${stack.gatewayUrl}/services/${name}/api/v0/pi?ndigits=99`)).status).toBe(401);

    // v1 → v2 as a canary under steady load: not one request fails, and v2 answers at the end.
    const answers: { status: number; version?: string }[] = [];
    let running = true;
    const loops = Array.from({ length: 4 }, async () => {
      while (running) {
        const r = await callService(name, '/api/v0/pi?ndigits=30').catch(() => null);
        answers.push(r ? { status: r.status, version: r.status === 200 ? (await r.json()).version : await r.text() } : { status: 0 });
      }
    });
    const strategy = { type: 'canary', steps: [{ weight: 50, bakeSeconds: 2 }], guardrails: { minRequests: 10 } };
    expect((await admin.request('PATCH', `/api/v1/deployments/${name}`, { versionLabel: 2, strategy })).status).toBe(202);
    await admin.waitFor(`/api/v1/deployments/${name}`, (b) => b.deployment.status === 'ready' && b.deployment.stableRevision === 2, 120_000);
    running = false;
    await Promise.all(loops);
    expect(answers.length).toBeGreaterThan(50);
    expect(answers.filter((a) => a.status !== 200)).toEqual([]);
    expect(new Set(answers.map((a) => a.version))).toEqual(new Set(['1', '2']));
    expect(answers.at(-1)?.version).toBe('2');
  }, 240_000);

  it('serves the same method written as a Node server, with its own health path', async () => {
    const model = `pi-node-${suffix}`;
    await createModel(model, [
      artifact('pi-node.tar.gz', {
        'slipway.yaml': 'runtime: service\ncommand: ["node", "server.js"]\nhealth: /ping\nstartupTimeoutSeconds: 20\ndrainSeconds: 1\nenv: {VERSION: "1"}\n',
        'server.js': NODE_PI,
      }),
    ]);
    const name = `pi-node-${suffix}`;
    await deploy(name, model, 1);
    const response = await callService(name, '/api/v0/pi?ndigits=99');
    expect(await response.json()).toEqual({ ndigits: 99, pi: PI_99, version: '1' });
  }, 120_000);

  it('gives the service its team secret, which no API answer, event or failure message ever shows', async () => {
    const name = `pi-py-${suffix}`;
    const digest = await (await callService(name, '/secret-digest')).json();
    expect(digest.sha256).toBe(createHash('sha256').update(secretValue).digest('hex'));
    const listed = await admin.request('GET', `/api/v1/teams/${teamId}/secrets`);
    expect(listed.body.secrets.map((s: { name: string }) => s.name)).toContain('PI_TOKEN');
    const everything = JSON.stringify([
      listed.body,
      (await admin.request('GET', `/api/v1/deployments/${name}`)).body,
      await events(name),
      (await admin.request('GET', `/api/v1/models/pi-py-${suffix}/versions/1`)).body,
    ]);
    expect(everything).not.toContain(secretValue);
  }, 60_000);

  it('fails the rollout of a service that never turns healthy with its last output in the event, while the old revision keeps serving', async () => {
    const name = `pi-py-${suffix}`;
    const model = `pi-py-${suffix}`;
    const broken = artifact('never.tar.gz', {
      'slipway.yaml': 'runtime: service\ncommand: ["python3", "never.py"]\nstartupTimeoutSeconds: 2\ndrainSeconds: 1\nsecrets: [PI_TOKEN]\n',
      'never.py': NEVER_HEALTHY,
    });
    expect((await admin.uploadInspected(model, broken)).status).toBe('ready');
    expect((await admin.request('PATCH', `/api/v1/deployments/${name}`, { versionLabel: 3 })).status).toBe(202);
    const { deployment } = await admin.waitFor(`/api/v1/deployments/${name}`, (b) => /rolled back/.test(b.deployment.statusReason ?? ''), 120_000);
    expect(deployment.statusReason).toMatch(/GET \/health with 200 within 2 s \(HTTP 503\); last output: .*fatal: weights not found/);
    const failures = (await events(name)).filter((e) => e.step === 'replica-failed');
    expect(failures.length).toBeGreaterThan(0);
    expect(failures[0]!.message).toContain('using token [secret PI_TOKEN]');
    expect(JSON.stringify(await events(name))).not.toContain(secretValue);
    const response = await callService(name, '/api/v0/pi?ndigits=5');
    expect(response.status).toBe(200);
    expect((await response.json()).version).toBe('2');
  }, 180_000);

  it('replaces a killed service replica and serves again', async () => {
    const name = `pi-node-${suffix}`;
    const before = (await admin.request('GET', `/api/v1/deployments/${name}`)).body.deployment.variants[0].replicaList.find(
      (r: { state: string }) => r.state === 'ready',
    );
    process.kill(replicaPid(before.id), 'SIGKILL');
    const { deployment } = await admin.waitFor(
      `/api/v1/deployments/${name}`,
      (b) => b.deployment.variants[0].replicaList.some((r: { id: string; state: string }) => r.state === 'ready' && r.id !== before.id),
      60_000,
    );
    expect(deployment.variants[0].replicaList.find((r: { id: string }) => r.id === before.id).state).toBe('failed');
    let response = await callService(name, '/api/v0/pi?ndigits=3');
    for (let i = 0; i < 50 && response.status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 100));
      response = await callService(name, '/api/v0/pi?ndigits=3');
    }
    expect(await response.json()).toMatchObject({ pi: '3.141' });
  }, 120_000);
});
