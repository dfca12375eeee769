import type {
  AlertHistoryPage,
  AlertRuleInput,
  AlertRulePatch,
  AlertRuleView,
  AppliedPlan,
  DeploymentFileInput,
  DeploymentPerformance,
  DeploymentPlan,
  PerformanceWindow,
} from '@slipway/core';
import { SlipwayError, toSlipwayError } from './errors';
import { type LogReplica, type LogStreamEvent, type LogsOptions, logStreamEvents, logsQuery, type ReplicaLogLine } from './log-stream';
import type { Deployment, DeploymentEvent, Model, ModelSummary, Revision, SpendReport, UpdateResult, Version } from './types';

export interface ClientOptions {
  /** The console's address, e.g. http://127.0.0.1:3000 (the API is under /api/v1). */
  url: string;
  /** An API key (`Authorization: Bearer …`) … */
  key?: string;
  /** … or a session cookie from `SlipwayClient.login`. */
  cookie?: string;
}

export type RolloutAction = 'promote' | 'pause' | 'resume' | 'abort';

const enc = encodeURIComponent;

/** A typed caller of the control-plane REST API (/api/v1). */
export class SlipwayClient {
  readonly url: string;

  constructor(private readonly options: ClientOptions) {
    this.url = options.url.replace(/\/+$/, '');
  }

  /** Signs in with email and password: a client carrying the session cookie. */
  static async login(url: string, email: string, password: string): Promise<SlipwayClient> {
    const base = new SlipwayClient({ url });
    const response = await base.send('POST', '/auth/login', { email, password });
    const cookie = response.headers.getSetCookie()[0]?.split(';')[0];
    if (!cookie) throw new SlipwayError(response.status, 'no_session', 'the server signed in but set no session cookie');
    return new SlipwayClient({ url, cookie });
  }

  /** Headers that authenticate a request: for uploads made with other libraries (tus). */
  authHeaders(): Record<string, string> {
    if (this.options.key) return { authorization: `Bearer ${this.options.key}` };
    return this.options.cookie ? { cookie: this.options.cookie } : {};
  }

  private async send(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(`${this.url}/api/v1${path}`, {
        method,
        headers: { ...this.authHeaders(), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
      });
    } catch (error) {
      throw new SlipwayError(0, 'network_error', `could not reach ${this.url}: ${(error as Error).cause ?? (error as Error).message}`);
    }
    if (!response.ok) throw toSlipwayError(response.status, await response.text());
    return response;
  }

  /** Any API call: the parsed JSON answer, or a SlipwayError. */
  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const text = await (await this.send(method, path, body)).text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  me = () => this.request<{ user: { email: string; name: string; isAdmin: boolean }; teams: { id: string; name: string; role: string }[] }>('GET', '/me');

  models = () => this.request<{ models: ModelSummary[] }>('GET', '/models').then((r) => r.models);
  model = (name: string) => this.request<{ model: Model }>('GET', `/models/${enc(name)}`).then((r) => r.model);
  createModel = (input: { name: string; description?: string; teamId?: string }) =>
    this.request<{ model: Model }>('POST', '/models', input).then((r) => r.model);
  version = (model: string, label: number) => this.request<{ version: Version }>('GET', `/models/${enc(model)}/versions/${label}`).then((r) => r.version);

  deployments = () => this.request<{ deployments: Deployment[] }>('GET', '/deployments').then((r) => r.deployments);
  deployment = (name: string) => this.request<{ deployment: Deployment }>('GET', `/deployments/${enc(name)}`).then((r) => r.deployment);
  /** A new deployment of one version (by label or `sha256:` digest) on one machine type. */
  createDeployment = (input: { name: string; modelName: string; versionLabel?: number; versionDigest?: string; machineType: string; replicas?: number }) =>
    this.request<{ deployment: Deployment }>('POST', '/deployments', input).then((r) => r.deployment);
  /** PATCH /deployments/{name}: a new revision (the server validates the body; see the README). */
  updateDeployment = (name: string, update: Record<string, unknown>) => this.request<UpdateResult>('PATCH', `/deployments/${enc(name)}`, update);
  scale = (name: string, body: { replicas?: number; minReplicas?: number; maxReplicas?: number; variant?: string; supersede?: boolean }) =>
    this.request<UpdateResult>('PUT', `/deployments/${enc(name)}/scale`, body);
  events = (name: string) => this.request<{ events: DeploymentEvent[] }>('GET', `/deployments/${enc(name)}/events`).then((r) => r.events);
  /** Its replicas' newest output (running and recently stopped ones), filtered by replica, text and time. */
  logs = (name: string, options: LogsOptions = {}) =>
    this.request<{ replicas: LogReplica[]; lines: ReplicaLogLine[] }>('GET', `/deployments/${enc(name)}/logs${logsQuery(options)}`);
  /** The newest lines, then each new one as replicas print it, until `signal` aborts or the server ends the stream. */
  async *followLogs(name: string, options: LogsOptions = {}, signal?: AbortSignal): AsyncGenerator<LogStreamEvent> {
    const response = await this.send('GET', `/deployments/${enc(name)}/logs${logsQuery({ ...options, follow: true })}`, undefined, signal);
    if (!response.body) return;
    try {
      yield* logStreamEvents(response.body);
    } catch (error) {
      if (!signal?.aborted) throw error;
    }
  }
  /** Requests/s, 4xx and 5xx rates, percentiles per variant, replicas and restarts, CPU and memory per replica. */
  performance = (name: string, window: PerformanceWindow = '1h', variant?: string) =>
    this.request<DeploymentPerformance>('GET', `/deployments/${enc(name)}/performance?window=${window}${variant ? `&variant=${enc(variant)}` : ''}`);
  revisions = (name: string) => this.request<{ current: number; stable: number | null; revisions: Revision[] }>('GET', `/deployments/${enc(name)}/revisions`);
  rollback = (name: string, revision: number, supersede?: boolean) =>
    this.request<UpdateResult>('POST', `/deployments/${enc(name)}/rollback`, { revision, ...(supersede && { supersede }) });
  control = (name: string, action: RolloutAction) =>
    this.request<{ deployment: Deployment }>('POST', `/deployments/${enc(name)}/${action}`).then((r) => r.deployment);
  stop = (name: string) => this.request<{ deployment: Deployment }>('POST', `/deployments/${enc(name)}/stop`).then((r) => r.deployment);

  alertRules = (name: string) => this.request<{ rules: AlertRuleView[] }>('GET', `/deployments/${enc(name)}/alerts`).then((r) => r.rules);
  /** Fields left out take their defaults (window 300 s, cooldown 900 s, enabled, no webhook). */
  createAlertRule = (name: string, rule: Partial<AlertRuleInput> & Pick<AlertRuleInput, 'kind'>) =>
    this.request<{ rule: AlertRuleView }>('POST', `/deployments/${enc(name)}/alerts`, rule).then((r) => r.rule);
  updateAlertRule = (name: string, id: string, patch: AlertRulePatch) =>
    this.request<{ rule: AlertRuleView }>('PATCH', `/deployments/${enc(name)}/alerts/${enc(id)}`, patch).then((r) => r.rule);
  deleteAlertRule = (name: string, id: string) => this.request<void>('DELETE', `/deployments/${enc(name)}/alerts/${enc(id)}`);
  /** Newest first; pass the page's `nextCursor` as `before` for older events. */
  alertHistory = (name: string, options: { limit?: number; before?: string } = {}) => {
    const query = new URLSearchParams({ ...(options.limit && { limit: String(options.limit) }), ...(options.before && { before: options.before }) }).toString();
    return this.request<AlertHistoryPage>('GET', `/deployments/${enc(name)}/alerts/history${query ? `?${query}` : ''}`);
  };

  /** A team's secrets: names, versions and dates only (values are never returned). */
  secrets = (teamId: string) => this.request<{ secrets: SecretSummary[] }>('GET', `/teams/${enc(teamId)}/secrets`).then((r) => r.secrets);
  /** Sets or rotates a team secret (write-only); services naming it get it as an environment variable. */
  setSecret = (teamId: string, name: string, value: string) =>
    this.request<{ secret: SecretSummary }>('PUT', `/teams/${enc(teamId)}/secrets`, { name, value }).then((r) => r.secret);
  deleteSecret = (teamId: string, name: string) => this.request<void>('DELETE', `/teams/${enc(teamId)}/secrets/${enc(name)}`);
  /** Spend to date per team and per deployment (replica-hours × machine price). */
  spend = () => this.request<SpendReport>('GET', '/spend');
  /** Deletes a deployment: its name is free at once; its replicas stop. */
  deleteDeployment = (name: string) => this.request<{ deleted: string }>('DELETE', `/deployments/${enc(name)}`);
  /** Deploys a copy of the deployment's desired state under a new name. */
  cloneDeployment = (name: string, newName: string) =>
    this.request<{ deployment: Deployment }>('POST', `/deployments/${enc(name)}/clone`, { name: newName }).then((r) => r.deployment);
  /** Points a model alias at a version; deployments following it roll out. */
  moveAlias = (model: string, alias: string, versionLabel: number) =>
    this.request<{ alias: { name: string; versionLabel: number }; rollouts: { deployment: string; revision: number; changes: string[] }[] }>(
      'PUT',
      `/models/${enc(model)}/aliases/${enc(alias)}`,
      { versionLabel },
    );
  /** Makes a deployment follow a model alias (null: none). */
  follow = (deployment: string, alias: string | null) =>
    this.request<{ followsAlias: string | null; rollout: { revision: number; changes: string[] } | null }>('PUT', `/deployments/${enc(deployment)}/follow`, {
      alias,
    });
  /** An API key, shown once: read-only or invoke, limited to deployments, expiring. */
  createApiKey = (input: { name: string; scope?: 'invoke' | 'read-only'; deployments?: string[]; expiresAt?: string }) =>
    this.request<{ apiKey: { id: string; name: string; prefix: string }; key: string }>('POST', '/api-keys', input);

  /** What applying the file would change; writes nothing. */
  plan = (file: DeploymentFileInput, options: { prune?: boolean } = {}) =>
    this.request<DeploymentPlan>('POST', `/plan${options.prune ? '?prune=true' : ''}`, file);
  /** Makes what runs match the file; each changed deployment gets a revision to roll out. */
  apply = (file: DeploymentFileInput, options: { prune?: boolean; supersede?: boolean } = {}) => {
    const query = new URLSearchParams({ ...(options.prune && { prune: 'true' }), ...(options.supersede && { supersede: 'true' }) }).toString();
    return this.request<AppliedPlan>('POST', `/apply${query ? `?${query}` : ''}`, file);
  };
}

/** What the API tells about a team secret: never its value. */
export interface SecretSummary {
  name: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}
