import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from './api-client';
import { launchChromium, newConsolePage, signIn } from './browser';
import { startStack } from './stack';
import { postJson, startWeb } from './web-process';
import { at } from '@slipway/core';

// The control plane's answers to the security review: cross-site requests, body limits, sign-in
// throttling, redirects after login, downloads, existence leaks and what team viewers see.
describe('control-plane security', () => {
  let stack: Awaited<ReturnType<typeof startStack>>;
  let admin: ApiClient;
  let browser: Browser | undefined;
  let attackerSite: Server | undefined;
  const suffix = randomUUID().slice(0, 8);
  const password = 'correct-horse-1';
  const email = (who: string) => `${who}-${suffix}@example.com`;
  const modelA = `sec-a-${suffix}`;
  const deploymentA = `sec-svc-${suffix}`;
  let member: ApiClient;
  let viewer: ApiClient;
  let outsider: ApiClient;
  let outsiderTeamId: string;

  const json = (body: unknown) => JSON.stringify(body);
  /** A raw call with the member's session cookie and exactly the headers given. */
  const asMember = (method: string, apiPath: string, headers: Record<string, string>, body?: BodyInit) => member.raw(apiPath, { method, headers, body });
  const memberKeyNames = async () => (await member.request('GET', '/api/v1/api-keys')).body.apiKeys.map((k: { name: string }) => k.name);

  beforeAll(async () => {
    stack = await startStack();
    admin = await ApiClient.login(stack.webUrl, stack.admin.email, stack.admin.password);
    const team = async (name: string) => (await admin.request('POST', '/api/v1/teams', { name })).body.team.id as string;
    const [teamA, teamB] = [await team(`sec-a-${suffix}`), await team(`sec-b-${suffix}`)];
    outsiderTeamId = teamB;
    for (const [who, teamId, role] of [
      ['member', teamA, 'member'],
      ['viewer', teamA, 'viewer'],
      ['outsider', teamB, 'member'],
    ] as const) {
      expect((await admin.request('POST', '/api/v1/users', { email: email(who), name: who, password })).status).toBe(201);
      expect((await admin.request('POST', `/api/v1/teams/${teamId}/members`, { email: email(who), role })).status).toBe(201);
    }
    const login = (who: string) => ApiClient.login(stack.webUrl, email(who), password);
    [member, viewer, outsider] = await Promise.all([login('member'), login('viewer'), login('outsider')]);
    expect((await member.request('POST', '/api/v1/models', { name: modelA, teamId: teamA })).status).toBe(201);
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => (attackerSite ? attackerSite.close(resolve) : resolve(undefined)));
  });

  describe('cross-site requests', () => {
    it('refuses a form a page on a sibling origin auto-submits with the signed-in browser (the reported attack)', async () => {
      browser = await launchChromium();
      const page = await newConsolePage(browser, stack.webUrl);
      await signIn(page, { email: email('member'), password });
      // Same site as the console (same host, another port): the Lax session cookie goes along.
      const form = `<form method="POST" action="${stack.webUrl}/api/v1/api-keys" enctype="text/plain">
        <input name='{"name":"csrf-${suffix}","x":"' value='"}'></form><script>document.forms[0].submit()</script>`;
      const host = new URL(stack.webUrl).hostname;
      attackerSite = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(form));
      await new Promise<void>((resolve) => attackerSite!.listen(0, host, resolve));
      const attacker = `http://${host}:${(attackerSite.address() as AddressInfo).port}/`;
      const [answer] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/api/v1/api-keys')), page.goto(attacker)]);
      expect(answer.status()).toBe(403);
      expect((await answer.json()).error.code).toBe('forbidden');
      expect(await memberKeyNames()).not.toContain(`csrf-${suffix}`);
    });

    it('refuses cookie-session changes marked cross-site or from another origin, and any JSON body not sent as JSON', async () => {
      const body = json({ name: `k-${suffix}` });
      for (const headers of <Record<string, string>[]>[
        { 'content-type': 'application/json', 'sec-fetch-site': 'cross-site' },
        { 'content-type': 'application/json', 'sec-fetch-site': 'same-site' },
        { 'content-type': 'application/json', origin: 'https://evil.example' },
      ]) {
        const refused = await asMember('POST', '/api/v1/api-keys', headers, body);
        expect(refused.status).toBe(403);
        expect((await refused.json()).error.code).toBe('forbidden');
      }
      const plain = await asMember('POST', '/api/v1/api-keys', { 'content-type': 'text/plain' }, body);
      expect(plain.status).toBe(415);
      expect((await plain.json()).error).toEqual({ code: 'unsupported_media_type', message: expect.stringContaining('application/json') });
      expect(await memberKeyNames()).not.toContain(`k-${suffix}`);

      // Body-less changes and resumable uploads are covered too.
      expect((await asMember('POST', '/api/v1/auth/logout', { origin: 'https://evil.example' })).status).toBe(403);
      const upload = await asMember('POST', '/api/v1/uploads', {
        'tus-resumable': '1.0.0',
        'upload-length': '10',
        'sec-fetch-site': 'cross-site',
        'upload-metadata': `filename ${btoa('m.onnx')},model ${btoa(modelA)}`,
      });
      expect(upload.status).toBe(403);

      const sameOrigin = await asMember(
        'POST',
        '/api/v1/api-keys',
        { 'content-type': 'application/json', origin: stack.webUrl, 'sec-fetch-site': 'same-origin' },
        body,
      );
      expect(sameOrigin.status).toBe(201);
    });

    it('lets API-key calls through whatever they claim about their origin', async () => {
      const { key } = (await member.request('POST', '/api/v1/api-keys', { name: `script-${suffix}` })).body;
      const created = await fetch(`${stack.webUrl}/api/v1/models`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'sec-fetch-site': 'cross-site', origin: 'https://ci.example' },
        body: json({ name: `sec-key-${suffix}` }),
      });
      expect(created.status).toBe(201);
    });
  });

  describe('request bodies', () => {
    it('refuses a JSON body over 1 MiB with 413, declared or streamed', async () => {
      const big = json({ email: 'a@example.com', password: 'x'.repeat(2 * 1024 * 1024) });
      const declared = await fetch(`${stack.webUrl}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: big });
      expect(declared.status).toBe(413);
      expect((await declared.json()).error.code).toBe('payload_too_large');

      // Chunked, no Content-Length: counted as it arrives.
      const chunk = new TextEncoder().encode('x'.repeat(64 * 1024));
      const streamedLogin = await fetch(`${stack.webUrl}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: new ReadableStream<Uint8Array>({
          start(controller) {
            for (let i = 0; i < 32; i++) controller.enqueue(chunk);
            controller.close();
          },
        }),
        duplex: 'half',
      } as RequestInit);
      expect(streamedLogin.status).toBe(413);
    });
  });

  describe('sign-in', () => {
    it('locks an account after 5 failed sign-ins (429 with Retry-After), even for the right password', async () => {
      const victim = email('victim');
      expect((await admin.request('POST', '/api/v1/users', { email: victim, name: 'victim', password })).status).toBe(201);
      const attempt = (pw: string) =>
        fetch(`${stack.webUrl}/api/v1/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: json({ email: victim, password: pw }),
        });
      for (let i = 0; i < 5; i++) expect((await attempt(`guess-${i}`)).status).toBe(401);
      const locked = await attempt(password);
      expect(locked.status).toBe(429);
      expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await locked.json()).error.code).toBe('too_many_requests');
      // Another account signs in as usual.
      expect((await ApiClient.login(stack.webUrl, email('member'), password)) instanceof ApiClient).toBe(true);
    });

    it('answers an unknown email exactly like a wrong password', async () => {
      const attempt = (who: string) =>
        fetch(`${stack.webUrl}/api/v1/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: json({ email: who, password: 'spray-123' }),
        });
      const unknown = await attempt(`nobody-${suffix}@example.com`);
      const wrong = await attempt(email('member'));
      expect([unknown.status, await unknown.json()]).toEqual([401, { error: { code: 'invalid_credentials', message: 'wrong email or password' } }]);
      expect([wrong.status, await wrong.json()]).toEqual([401, { error: { code: 'invalid_credentials', message: 'wrong email or password' } }]);
    });

    it('stops an address spraying many accounts, however it rotates X-Forwarded-For', async () => {
      // Its own web process and key prefix: 30 failures lock the address, which must not lock the shared
      // stack's callers. Loopback is all of 127.0.0.0/8, so two client addresses need no network.
      const web = await startWeb({ SLIPWAY_PREFIX: `${stack.env.prefix}-spray-${suffix}` });
      try {
        const from = (localAddress: string, who: string, claimed: string) =>
          postJson(web.url, '/api/v1/auth/login', { email: who, password: 'spray-123' }, { localAddress, headers: { 'x-forwarded-for': claimed } });
        for (let i = 0; i < 30; i++) {
          expect((await from('127.0.0.2', `spray-${i}-${suffix}@example.com`, `198.51.100.${i + 1}`)).status).toBe(401);
        }
        const stopped = await from('127.0.0.2', `spray-next-${suffix}@example.com`, '203.0.113.77');
        expect(stopped.status).toBe(429);
        expect(Number(stopped.headers['retry-after'])).toBeGreaterThan(0);
        expect(JSON.parse(stopped.body).error.code).toBe('too_many_requests');
        // Another client address is not held back by the sprayer's failures.
        expect((await from('127.0.0.3', `spray-next-${suffix}@example.com`, '198.51.100.1')).status).toBe(401);
      } finally {
        await web.stop();
      }
    });

    it('goes only to a page of this site after signing in', async () => {
      browser ??= await launchChromium();
      for (const next of ['/\\evil.example/phish', '/\t/evil.example']) {
        const page = await newConsolePage(browser, stack.webUrl);
        await signIn(page, { email: email('viewer'), password }, next);
        expect(new URL(page.url()).origin).toBe(stack.webUrl);
        expect(new URL(page.url()).pathname).toBe('/models');
        await page.close();
      }
    });

    it('refuses a new password beyond 72 bytes, which bcrypt would silently cut', async () => {
      const refused = await admin.request('POST', '/api/v1/users', { email: email('long'), name: 'long', password: 'é'.repeat(37) });
      expect(refused.status).toBe(400);
      expect(refused.body.error.message).toMatch(/^password: must be at most 72 bytes/);
      expect((await admin.request('POST', '/api/v1/users', { email: email('long'), name: 'long', password: 'x'.repeat(72) })).status).toBe(201);
    });

    it('does not mark the session cookie Secure on plain HTTP, whatever an untrusted X-Forwarded-Proto says', async () => {
      const login = await fetch(`${stack.webUrl}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-proto': 'https' },
        body: json({ email: email('member'), password }),
      });
      expect(login.status).toBe(200);
      expect(login.headers.getSetCookie()[0]).toMatch(/HttpOnly; SameSite=Lax; Expires=/);
      expect(login.headers.getSetCookie()[0]).not.toMatch(/Secure/);
    });
  });

  describe('API keys', () => {
    it('caps a user at SLIPWAY_MAX_API_KEYS_PER_USER active keys; revoking one makes room', async () => {
      const cap = stack.apiKeyCap;
      const user = email('keys');
      expect((await admin.request('POST', '/api/v1/users', { email: user, name: 'keys', password })).status).toBe(201);
      const keys = await ApiClient.login(stack.webUrl, user, password);
      const created = await Promise.all(Array.from({ length: cap }, (_, i) => keys.request('POST', '/api/v1/api-keys', { name: `k${i}` })));
      expect(created.map((c) => c.status)).toEqual(new Array(cap).fill(201));
      const refused = await keys.request('POST', '/api/v1/api-keys', { name: 'one-more' });
      expect(refused.status).toBe(409);
      expect(refused.body.error.message).toMatch(new RegExp(`${cap} active API keys.*revoke one`));
      expect((await keys.request('DELETE', `/api/v1/api-keys/${at(created, 0).body.apiKey.id}`)).status).toBe(204);
      expect((await keys.request('POST', '/api/v1/api-keys', { name: 'one-more' })).status).toBe(201);
    });
  });

  describe('versions and deployments', () => {
    it('downloads a version uploaded as 模型.onnx under its name (RFC 6266)', async () => {
      const upload = await member.upload(modelA, { name: '模型.onnx', bytes: await readFile(stack.demoModelPath) });
      expect(upload.status).toBe(202);
      const download = await member.raw(`/api/v1/models/${modelA}/versions/${upload.body.version.label}/artifact`);
      expect(download.status).toBe(200);
      expect(download.headers.get('content-disposition')).toBe(`attachment; filename="??.onnx"; filename*=UTF-8''%E6%A8%A1%E5%9E%8B.onnx`);
      expect(Buffer.from(await download.arrayBuffer()).equals(await readFile(stack.demoModelPath))).toBe(true);
    });

    it("names the model's file, never a host path, when a version fails", async () => {
      const bytes = await readFile(stack.demoModelPath);
      const version = await member.uploadInspected(modelA, { name: 'truncated.onnx', bytes: bytes.subarray(0, Math.floor(bytes.length * 0.6)) });
      expect(version.status).toBe('failed');
      expect(version.statusReason).toMatch(/not a loadable ONNX model/);
      expect(version.statusReason).not.toContain(stack.env.dataDir);
      expect(version.statusReason).not.toMatch(/artifact-cache|(^|[\s'"])\/\w/);
    });

    it('deploys, and "try it" answers with the gateway’s own status and body', async () => {
      await member.waitFor(`/api/v1/models/${modelA}/versions/1`, (b) => b.version.status === 'ready');
      const deployment = await member.deploySettled({ name: deploymentA, modelName: modelA, versionLabel: 1, machineType: 'cpu-small', replicas: 1 });
      expect(deployment.status).toBe('ready');
      const tryIt = (body: unknown) =>
        member.raw(`/api/v1/deployments/${deploymentA}/try`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: json(body) });
      // The gateway learns new routes over Redis pub/sub: the first request may still find none.
      let ok = await tryIt({ inputs: { features: [[5.1, 3.5, 1.4, 0.2]] } });
      for (let i = 0; i < 50 && ok.status !== 200; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        ok = await tryIt({ inputs: { features: [[5.1, 3.5, 1.4, 0.2]] } });
      }
      expect(ok.status).toBe(200);
      expect(ok.headers.get('server-timing')).toMatch(/^gateway;dur=[\d.]+$/);
      expect((await ok.json()).outputs.label).toEqual([0]);
      const bad = await tryIt({ inputs: { features: [[1, 2]] } });
      expect(bad.status).toBe(400);
      expect((await bad.json()).error.code).toEqual(expect.any(String));
    });

    it('shows replica addresses to team members, not to viewers (deployment and events)', async () => {
      const addressOf = (d: any) => d.variants.flatMap((v: any) => v.replicaList.map((r: any) => r.address));
      const asMemberSees = (await member.request('GET', `/api/v1/deployments/${deploymentA}`)).body.deployment;
      expect(addressOf(asMemberSees)).toEqual([expect.stringMatching(/^https?:\/\/.+:\d+$/)]);
      const asViewerSees = (await viewer.request('GET', `/api/v1/deployments/${deploymentA}`)).body.deployment;
      expect(addressOf(asViewerSees)).toEqual([null]);
      const listed = (await viewer.request('GET', '/api/v1/deployments')).body.deployments.find((d: any) => d.name === deploymentA);
      expect(addressOf(listed)).toEqual([null]);

      const address = addressOf(asMemberSees)[0] as string;
      const memberEvents = (await member.request('GET', `/api/v1/deployments/${deploymentA}/events`)).body.events.map((e: any) => e.message).join('\n');
      const viewerEvents = (await viewer.request('GET', `/api/v1/deployments/${deploymentA}/events`)).body.events.map((e: any) => e.message).join('\n');
      expect(memberEvents).toContain(address);
      expect(viewerEvents).not.toContain(address.replace(/^https?:\/\//, ''));
      expect(viewerEvents).toContain('started at (address hidden)');
    });

    it("tells another team only that a name is not available, never its deployment's status or team", async () => {
      const modelB = `sec-b-${suffix}`;
      expect((await outsider.request('POST', '/api/v1/models', { name: modelB, teamId: outsiderTeamId })).status).toBe(201);
      expect((await outsider.upload(modelB, stack.demoModelPath)).status).toBeLessThan(300);
      const deploy = await outsider.request('POST', '/api/v1/deployments', {
        name: deploymentA,
        modelName: modelB,
        versionLabel: 1,
        machineType: 'cpu-small',
        replicas: 1,
      });
      expect(deploy.status).toBe(409);
      expect(deploy.body.error).toEqual({ code: 'conflict', message: `the name '${deploymentA}' is not available; choose another` });

      const model = await outsider.request('POST', '/api/v1/models', { name: modelA, teamId: outsiderTeamId });
      expect(model.status).toBe(409);
      expect(model.body.error.message).toBe(`the name '${modelA}' is not available; choose another`);
      // Who can see the model is told plainly.
      expect((await member.request('POST', '/api/v1/models', { name: modelA })).body.error.message).toBe(`a model named '${modelA}' already exists`);
      // And the other team's deployment is untouched.
      expect((await member.request('GET', `/api/v1/deployments/${deploymentA}`)).body.deployment).toMatchObject({ status: 'ready', model: { name: modelA } });
    });
  });
});
