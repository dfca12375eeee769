import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { must } from '@slipway/core';

/** A signed-in caller of the control-plane REST API, as a script or CI job would use it. */
export class ApiClient {
  private cookie = '';

  constructor(readonly baseUrl: string) {}

  static async login(baseUrl: string, email: string, password: string): Promise<ApiClient> {
    const client = new ApiClient(baseUrl);
    const response = await fetch(`${baseUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    if (!response.ok) throw new Error(`login failed: ${response.status} ${await response.text()}`);
    client.cookie = must(response.headers.getSetCookie()[0]?.split(';')[0], 'the session cookie');
    return client;
  }

  async request(method: string, apiPath: string, body?: unknown): Promise<{ status: number; body: any }> {
    const response = await fetch(`${this.baseUrl}${apiPath}`, {
      method,
      headers: { cookie: this.cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  }

  /** The raw response, for downloads and headers. */
  raw(apiPath: string, init: RequestInit = {}): Promise<Response> {
    return fetch(`${this.baseUrl}${apiPath}`, { ...init, headers: { cookie: this.cookie, ...init.headers } });
  }

  async upload(modelName: string, file: string | { name: string; bytes: Uint8Array }): Promise<{ status: number; body: any }> {
    const { name, bytes } = typeof file === 'string' ? { name: path.basename(file), bytes: await readFile(file) } : file;
    const response = await fetch(`${this.baseUrl}/api/v1/models/${modelName}/versions?filename=${encodeURIComponent(name)}`, {
      method: 'POST',
      headers: { cookie: this.cookie, 'content-type': 'application/octet-stream' },
      body: bytes as Uint8Array<ArrayBuffer>,
    });
    return { status: response.status, body: await response.json() };
  }

  /** Uploads a file and waits until inspection has decided: the version as it ended (ready or failed). */
  async uploadInspected(modelName: string, file: string | { name: string; bytes: Uint8Array }): Promise<any> {
    const upload = await this.upload(modelName, file);
    if (upload.status !== 202) throw new Error(`upload refused: ${upload.status} ${JSON.stringify(upload.body)}`);
    const path = `/api/v1/models/${modelName}/versions/${upload.body.version.label}`;
    return (await this.waitFor(path, (b) => ['ready', 'failed'].includes(b.version.status))).version;
  }

  /** Deploys one version and waits until the first rollout has settled: the deployment as it ended. */
  async deploySettled(body: { name: string; modelName: string; versionLabel: number; machineType: string; replicas: number }): Promise<any> {
    const created = await this.request('POST', '/api/v1/deployments', body);
    if (created.status !== 201) throw new Error(`deploy refused: ${created.status} ${JSON.stringify(created.body)}`);
    return (await this.waitFor(`/api/v1/deployments/${body.name}`, (b) => ['ready', 'failed'].includes(b.deployment.status))).deployment;
  }

  /** Polls `apiPath` until `done(body)` holds; fails with the last body after `timeoutMs`. */
  async waitFor(apiPath: string, done: (body: any) => boolean, timeoutMs = 60_000): Promise<any> {
    const deadline = Date.now() + timeoutMs;
    let last: any;
    while (Date.now() < deadline) {
      last = (await this.request('GET', apiPath)).body;
      if (done(last)) return last;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`timed out waiting on ${apiPath}; last answer: ${JSON.stringify(last)}`);
  }
}
