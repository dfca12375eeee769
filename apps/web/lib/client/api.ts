import { SlipwayError as ApiError, type SecretSummary, toSlipwayError as toApiError } from '@slipway/client';
import type {
  DeploymentPerformance,
  AlertHistoryPage,
  AlertRule,
  AlertRuleInput,
  AlertRulePatch,
  DriftReport,
  AdminUser,
  ApiKey,
  Comparison,
  Deployment,
  DeploymentEvent,
  DeploymentScaling,
  DeploymentUpdate,
  LatencyPoint,
  PerformanceWindow,
  MachineType,
  MachineTypeSpec,
  Me,
  Model,
  ModelSummary,
  NewDeployment,
  NewUser,
  RevisionHistory,
  Team,
  TeamRole,
  TryResult,
  UpdateResult,
  User,
} from './types';

const BASE = '/api/v1';

/** An error answered by the API (`{"error": {"code", "message"}}`) or a failed request: the typed client's, under the console's name. */
export { ApiError, toApiError };

/** A 4xx: asking again cannot turn bad input, a missing thing or a refusal into an answer. */
export const isClientError = (error: unknown) => error instanceof ApiError && error.status >= 400 && error.status < 500;

let leaving = false;

/** A full page load that wins over any later one (e.g. a poll answering 401 right after logout). */
export function leaveTo(url: string): void {
  if (leaving || typeof window === 'undefined') return;
  leaving = true;
  window.location.assign(url);
}

/** A lost session sends the user to the login page, back to where they were afterwards. */
export function redirectToLogin(): void {
  if (typeof window === 'undefined') return;
  leaveTo(`/login?next=${encodeURIComponent(window.location.pathname + window.location.search)}`);
}

export async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`${BASE}${path}`, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network_error', 'could not reach the server; check your connection');
  }
  const text = await response.text();
  if (!response.ok) {
    if (response.status === 401 && path !== '/auth/login') redirectToLogin();
    throw toApiError(response.status, text);
  }
  return (text ? JSON.parse(text) : undefined) as T;
}

const enc = encodeURIComponent;

/** "Try it" answers with the gateway's status and body; the web's own refusals carry no `gateway` timing. */
async function tryDeployment(name: string, body: unknown): Promise<TryResult> {
  let response: Response;
  try {
    response = await fetch(`${BASE}/deployments/${enc(name)}/try`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network_error', 'could not reach the server; check your connection');
  }
  const text = await response.text();
  const timing = /(?:^|,)\s*gateway;dur=([\d.]+)/.exec(response.headers.get('server-timing') ?? '');
  if (!timing) {
    if (response.status === 401) redirectToLogin();
    throw toApiError(response.status, text);
  }
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON: shown as text.
  }
  return { status: response.status, latencyMs: Number(timing[1]), body: parsed, variant: response.headers.get('x-slipway-variant') };
}

export type RolloutAction = 'promote' | 'pause' | 'resume' | 'abort';

export const api = {
  login: (email: string, password: string) => request<{ user: User }>('POST', '/auth/login', { email, password }),
  logout: () => request<void>('POST', '/auth/logout'),
  me: () => request<Me>('GET', '/me'),

  models: () => request<{ models: ModelSummary[] }>('GET', '/models').then((r) => r.models),
  model: (name: string) => request<{ model: Model }>('GET', `/models/${enc(name)}`).then((r) => r.model),
  createModel: (input: { name: string; description?: string; teamId?: string }) => request<{ model: Model }>('POST', '/models', input).then((r) => r.model),

  deleteVersion: (modelName: string, label: number) => request<void>('DELETE', `/models/${enc(modelName)}/versions/${label}`),

  machineTypes: () => request<{ machineTypes: MachineType[] }>('GET', '/machine-types').then((r) => r.machineTypes),
  createMachineType: (input: MachineTypeSpec & { name: string }) =>
    request<{ machineType: MachineType }>('POST', '/machine-types', input).then((r) => r.machineType),
  updateMachineType: (name: string, changes: Partial<MachineTypeSpec>) =>
    request<{ machineType: MachineType }>('PATCH', `/machine-types/${enc(name)}`, changes).then((r) => r.machineType),
  deleteMachineType: (name: string) => request<void>('DELETE', `/machine-types/${enc(name)}`),

  deployments: () => request<{ deployments: Deployment[] }>('GET', '/deployments').then((r) => r.deployments),
  deployment: (name: string) => request<{ deployment: Deployment }>('GET', `/deployments/${enc(name)}`).then((r) => r.deployment),
  createDeployment: (input: NewDeployment) => request<{ deployment: Deployment }>('POST', '/deployments', input).then((r) => r.deployment),
  deploymentEvents: (name: string) => request<{ events: DeploymentEvent[] }>('GET', `/deployments/${enc(name)}/events`).then((r) => r.events),
  stopDeployment: (name: string) => request<{ deployment: Deployment }>('POST', `/deployments/${enc(name)}/stop`).then((r) => r.deployment),
  /** A new revision (202), or the same one with no changes (200); 409 while a rollout is in progress unless `supersede`. */
  updateDeployment: (name: string, update: DeploymentUpdate) => request<UpdateResult>('PATCH', `/deployments/${enc(name)}`, update),
  deploymentRevisions: (name: string) => request<RevisionHistory>('GET', `/deployments/${enc(name)}/revisions`),
  /** Restores an earlier revision's spec as a new revision, rolled out blue-green. */
  rollbackDeployment: (name: string, revision: number, supersede?: boolean) =>
    request<UpdateResult>('POST', `/deployments/${enc(name)}/rollback`, { revision, ...(supersede && { supersede }) }),
  /** promote, pause, resume or abort the rollout in progress; 409 when there is none. */
  controlRollout: (name: string, action: RolloutAction) =>
    request<{ deployment: Deployment }>('POST', `/deployments/${enc(name)}/${action}`).then((r) => r.deployment),
  deploymentComparison: (name: string, minutes: number) => request<Comparison>('GET', `/deployments/${enc(name)}/comparison?minutes=${minutes}`),
  tryDeployment,
  deploymentLatency: (name: string, minutes: number) =>
    request<{ points: LatencyPoint[] }>('GET', `/deployments/${enc(name)}/latency?minutes=${minutes}`).then((r) => r.points),

  /** Replicas over time and the load per variant, with each autoscaled variant's bounds now and next transitions. */
  /** Requests/s, error rates, percentiles, replicas and resources over a window, for all variants or one. */
  deploymentPerformance: (name: string, window: PerformanceWindow, variant?: string) =>
    request<DeploymentPerformance>('GET', `/deployments/${enc(name)}/performance?window=${window}${variant ? `&variant=${enc(variant)}` : ''}`),
  deploymentScaling: (name: string, minutes: number) => request<DeploymentScaling>('GET', `/deployments/${enc(name)}/scaling?minutes=${minutes}`),

  /** Data drift of one variant (the main primary when none is named) over the last `minutes`. */
  deploymentDrift: (name: string, minutes: number, variant?: string) =>
    request<DriftReport>('GET', `/deployments/${enc(name)}/drift?minutes=${minutes}${variant ? `&variant=${enc(variant)}` : ''}`),
  /** Freezes the variant's traffic between `from` and `to` as its version's drift baseline. */
  freezeDriftBaseline: (name: string, input: { from: string; to: string; variant?: string }) =>
    request<{ baseline: { source: 'traffic'; from: string; to: string; features: number } }>('POST', `/deployments/${enc(name)}/drift/baseline`, input),

  alertRules: (name: string) => request<{ rules: AlertRule[] }>('GET', `/deployments/${enc(name)}/alerts`).then((r) => r.rules),
  createAlertRule: (name: string, rule: AlertRuleInput) => request<{ rule: AlertRule }>('POST', `/deployments/${enc(name)}/alerts`, rule).then((r) => r.rule),
  updateAlertRule: (name: string, id: string, patch: AlertRulePatch) =>
    request<{ rule: AlertRule }>('PATCH', `/deployments/${enc(name)}/alerts/${enc(id)}`, patch).then((r) => r.rule),
  deleteAlertRule: (name: string, id: string) => request<void>('DELETE', `/deployments/${enc(name)}/alerts/${enc(id)}`),
  /** Posts a test notification to the rule's webhook: delivered, or why not. */
  testAlertRule: (name: string, id: string) => request<{ delivered: boolean; message: string }>('POST', `/deployments/${enc(name)}/alerts/${enc(id)}/test`),
  /** Newest first; `before` is the previous page's `nextCursor`. */
  alertHistory: (name: string, before?: string) =>
    request<AlertHistoryPage>('GET', `/deployments/${enc(name)}/alerts/history?limit=25${before ? `&before=${enc(before)}` : ''}`),

  apiKeys: () => request<{ apiKeys: ApiKey[] }>('GET', '/api-keys').then((r) => r.apiKeys),
  /** `scope`: read-only or invoke, limited to some deployments, expiring; left out: invoke on every deployment, never expiring. */
  createApiKey: (name: string, scope: { scope?: 'invoke' | 'read-only'; deployments?: string[]; expiresAt?: string } = {}) =>
    request<{ apiKey: ApiKey; key: string }>('POST', '/api-keys', { name, ...scope }),
  revokeApiKey: (id: string) => request<void>('DELETE', `/api-keys/${enc(id)}`),
  secrets: (teamId: string) => request<{ secrets: SecretSummary[] }>('GET', `/teams/${enc(teamId)}/secrets`).then((r) => r.secrets),
  setSecret: (teamId: string, name: string, value: string) =>
    request<{ secret: SecretSummary }>('PUT', `/teams/${enc(teamId)}/secrets`, { name, value }).then((r) => r.secret),
  deleteSecret: (teamId: string, name: string) => request<void>('DELETE', `/teams/${enc(teamId)}/secrets/${enc(name)}`),

  users: () => request<{ users: AdminUser[] }>('GET', '/users').then((r) => r.users),
  createUser: (input: NewUser) => request<{ user: AdminUser }>('POST', '/users', input).then((r) => r.user),
  teams: () => request<{ teams: Team[] }>('GET', '/teams').then((r) => r.teams),
  createTeam: (name: string) => request<{ team: Team }>('POST', '/teams', { name }).then((r) => r.team),
  updateTeamQuota: (teamId: string, storageQuotaBytes: number | null) => request<unknown>('PATCH', `/teams/${enc(teamId)}`, { storageQuotaBytes }),
  addTeamMember: (teamId: string, email: string, role: TeamRole) => request<unknown>('POST', `/teams/${enc(teamId)}/members`, { email, role }),
};
