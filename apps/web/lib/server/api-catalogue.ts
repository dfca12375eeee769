import { alertRuleInputSchema, alertRulePatchSchema, deploymentFileSchema, performanceQuerySchema } from '@slipway/core';
import { z } from 'zod';
import {
  addMemberBody,
  alertHistoryQuery,
  applyQuery,
  checkGraphBody,
  createGraphBody,
  graphRollbackBody,
  graphTracesQuery,
  updateGraphBody,
  cloneDeploymentBody,
  followAliasBody,
  moveAliasBody,
  updateModelBody,
  createApiKeyBody,
  createModelBody,
  createTeamBody,
  deploymentLogsQuery,
  deploymentOpenApiQuery,
  driftBaselineBody,
  driftQuery,
  loginBody,
  putSecretBody,
  planQuery,
  rollbackBody,
  uploadQuery,
} from './api-schemas';
import { createDeploymentSchema, scaleSchema, updateDeploymentSchema } from './deployment-specs';
import type { ApiErrorCode } from './errors';
import { machineTypeChangesSchema, newMachineTypeSchema } from './machine-types';
import { minutesQuerySchema } from './minutes-query';
import { auditQuery } from './audit-log';
import { PATH_PARAMS, pathParamsSchema } from './path-params';
import { captureDownloadQuery, captureParams, captureQuery, capturesQuery, qualityQuery, qualitySettingsBody } from './quality';
import { teamQuotaChangesSchema } from './teams';
import { createUserSchema } from './users';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';

/** Who the route factory lets in: anyone, any signed-in user (team roles are checked by the handler), or platform admins. */
export type Auth = 'public' | 'user' | 'admin';

/**
 * Who may call an operation: anyone, any signed-in user, a team role on the resource named in the path
 * (viewer < member < admin; platform admins pass every team check), or platform admins only.
 */
export type Access = 'public' | 'signed-in' | 'team viewer' | 'team member' | 'platform admin';

/** One operation of the control plane: what its handler is built with (route.ts) and what its OpenAPI says. */
export interface OperationSpec {
  method: HttpMethod;
  /** OpenAPI path under /api/v1, `{param}` for dynamic segments (checked with PATH_PARAMS unless `params` is given). */
  path: string;
  summary: string;
  auth?: Auth;
  /** Path parameters, when not the PATH_PARAMS of their names (tus upload ids). */
  params?: z.ZodObject;
  body?: z.ZodType;
  query?: z.ZodType;
  /** Team role on the resource; `auth` decides public, signed-in and platform admin. */
  teamRole?: 'viewer' | 'member';
  /** What the handler answers beyond what its declaration implies (401, 400 validation, 404/403 for team roles). */
  errors?: readonly ApiErrorCode[];
  /** The success status when it is not 200. */
  status?: number;
  /** Handlers not built by `route()` (tus) declare their access here. */
  access?: Access;
  /** The body is not JSON (uploads): its content type. */
  rawBody?: string;
}

/** An operation with its OpenAPI `operationId` (its key in API). */
export interface Operation extends OperationSpec {
  operationId: string;
}

const op = <const S extends OperationSpec>(spec: S) => spec;

const deploymentAction = (path: string, summary: string) =>
  op({ method: 'POST', path: `/deployments/{name}/${path}`, summary, teamRole: 'member', status: 202, errors: ['conflict'] });

const upload = (method: 'POST' | 'PUT', summary: string) =>
  op({
    method,
    path: '/models/{name}/versions',
    summary,
    query: uploadQuery,
    teamRole: 'member',
    status: 202,
    rawBody: 'application/octet-stream',
    errors: ['payload_too_large', 'quota_exceeded', 'unsupported_media_type', 'conflict'],
  });

/** An alias is checked by its handler once the caller may see the model (a bad name is then a 400, not a 404). */
const aliasParams = z.object({ name: PATH_PARAMS.name, alias: z.string().min(1).max(255) });

/** tus upload ids are the upload store's, not UUIDs. */
const uploadParams = z.object({ id: z.string().min(1).max(255) });

/**
 * Every /api/v1 operation, keyed by its OpenAPI `operationId` (stable: clients generated from the document are
 * named by them). Route files build their handlers from their entry (`route(API.getModel, …)`); the control
 * plane's OpenAPI is generated from this list alone.
 */
export const API = {
  signIn: op({
    method: 'POST',
    path: '/auth/login',
    summary: 'Sign in: sets the session cookie',
    auth: 'public',
    body: loginBody,
    errors: ['invalid_credentials', 'too_many_requests'],
  }),
  signOut: op({ method: 'POST', path: '/auth/logout', summary: 'Sign out: ends the session', auth: 'public', status: 204 }),
  getCurrentUser: op({ method: 'GET', path: '/me', summary: 'The signed-in user, their teams and roles' }),
  getUsage: op({ method: 'GET', path: '/usage', summary: 'Storage and compute used by the teams the user can see' }),
  getSpend: op({
    method: 'GET',
    path: '/spend',
    summary: 'Spend to date per team and per deployment: replica-hours × machine price (platform admins: every team)',
  }),
  getOverview: op({
    method: 'GET',
    path: '/overview',
    summary: 'Every deployment the user can see: status, requests/s and error rate (last 5 minutes), cost per hour, spend to date',
  }),

  listModels: op({ method: 'GET', path: '/models', summary: 'Models the user can see' }),
  createModel: op({
    method: 'POST',
    path: '/models',
    summary: 'Create a model',
    body: createModelBody,
    status: 201,
    errors: ['forbidden', 'conflict', 'not_found'],
  }),
  getModel: op({ method: 'GET', path: '/models/{name}', summary: 'A model and its versions', teamRole: 'viewer' }),
  updateModel: op({
    method: 'PATCH',
    path: '/models/{name}',
    summary: 'Change a model’s description (a markdown model card) or tags',
    body: updateModelBody,
    teamRole: 'member',
  }),
  moveModelAlias: op({
    method: 'PUT',
    path: '/models/{name}/aliases/{alias}',
    params: aliasParams,
    summary: 'Point an alias (production, staging…) at a ready version; deployments that follow it roll out with their strategy (202)',
    body: moveAliasBody,
    teamRole: 'member',
    status: 202,
    errors: ['conflict', 'compute_quota_exceeded'],
  }),
  deleteModelAlias: op({
    method: 'DELETE',
    path: '/models/{name}/aliases/{alias}',
    params: aliasParams,
    summary: 'Remove an alias no running deployment follows (409 otherwise)',
    teamRole: 'member',
    status: 204,
    errors: ['conflict'],
  }),
  listVersions: op({ method: 'GET', path: '/models/{name}/versions', summary: 'Versions of a model', teamRole: 'viewer' }),
  uploadVersion: upload('POST', 'Upload an artifact as a new version (raw body; 200 with deduplicated: true for identical bytes)'),
  putVersion: upload('PUT', 'Upload an artifact as a new version (same as POST, for curl -T)'),
  getVersion: op({
    method: 'GET',
    path: '/models/{name}/versions/{label}',
    summary: 'A version: digest, status, signature, manifest, details, reference statistics',
    teamRole: 'viewer',
  }),
  deleteVersion: op({
    method: 'DELETE',
    path: '/models/{name}/versions/{label}',
    summary: 'Delete a version (409 while a deployment serves it)',
    teamRole: 'member',
    status: 204,
    errors: ['conflict'],
  }),
  downloadArtifact: op({
    method: 'GET',
    path: '/models/{name}/versions/{label}/artifact',
    summary: 'The original artifact, byte for byte',
    teamRole: 'viewer',
  }),

  createUpload: op({
    method: 'POST',
    path: '/uploads',
    summary: 'Create a resumable upload (tus 1.0; metadata `filename` and `model`)',
    access: 'team member',
    status: 201,
    rawBody: 'application/offset+octet-stream',
    errors: ['payload_too_large', 'unsupported_media_type'],
  }),
  getUploadCapabilities: op({ method: 'OPTIONS', path: '/uploads', summary: 'tus capabilities', access: 'public', status: 204 }),
  getUploadOffset: op({
    method: 'HEAD',
    path: '/uploads/{id}',
    params: uploadParams,
    summary: 'The offset an upload has reached, to resume from',
    access: 'team member',
  }),
  appendUpload: op({
    method: 'PATCH',
    path: '/uploads/{id}',
    params: uploadParams,
    summary: 'Append a chunk; the last one answers 201 {version, deduplicated} (200 when deduplicated)',
    access: 'team member',
    status: 204,
    rawBody: 'application/offset+octet-stream',
    errors: ['payload_too_large', 'quota_exceeded'],
  }),
  cancelUpload: op({
    method: 'DELETE',
    path: '/uploads/{id}',
    params: uploadParams,
    summary: 'Cancel an upload and delete what was sent',
    access: 'team member',
    status: 204,
  }),
  getUpload: op({
    method: 'GET',
    path: '/uploads/{id}',
    params: uploadParams,
    summary: 'Handled by the tus server (uploads are not downloadable)',
    access: 'team member',
  }),

  listMachineTypes: op({ method: 'GET', path: '/machine-types', summary: 'The machine catalog' }),
  createMachineType: op({
    method: 'POST',
    path: '/machine-types',
    summary: 'Add a machine type',
    auth: 'admin',
    body: newMachineTypeSchema,
    status: 201,
    errors: ['conflict'],
  }),
  updateMachineType: op({
    method: 'PATCH',
    path: '/machine-types/{name}',
    summary: 'Change a machine type',
    auth: 'admin',
    body: machineTypeChangesSchema,
    errors: ['not_found'],
  }),
  deleteMachineType: op({
    method: 'DELETE',
    path: '/machine-types/{name}',
    summary: 'Delete a machine type (409 while deployments use it)',
    auth: 'admin',
    status: 204,
    errors: ['not_found', 'conflict'],
  }),

  listDeployments: op({ method: 'GET', path: '/deployments', summary: 'Deployments the user can see' }),
  createDeployment: op({
    method: 'POST',
    path: '/deployments',
    summary: 'Deploy a version',
    body: createDeploymentSchema,
    status: 201,
    errors: ['not_found', 'forbidden', 'conflict', 'compute_quota_exceeded'],
  }),
  getDeployment: op({ method: 'GET', path: '/deployments/{name}', summary: 'A deployment: variants, replicas, endpoints, rollout', teamRole: 'viewer' }),
  updateDeployment: op({
    method: 'PATCH',
    path: '/deployments/{name}',
    summary: 'Change the desired state: a new revision rolled out with a strategy (200 when nothing changed)',
    body: updateDeploymentSchema,
    teamRole: 'member',
    status: 202,
    errors: ['conflict', 'compute_quota_exceeded'],
  }),
  deleteDeployment: op({
    method: 'DELETE',
    path: '/deployments/{name}',
    summary: 'Delete a deployment: the name is free at once, its replicas are stopped; revisions, spend and the audit trail stay',
    teamRole: 'member',
    status: 202,
  }),
  cloneDeployment: op({
    method: 'POST',
    path: '/deployments/{name}/clone',
    summary: "Deploy a copy under a new name: the same model and the source's desired state (variants, machines, scaling)",
    body: cloneDeploymentBody,
    teamRole: 'member',
    status: 201,
    errors: ['conflict', 'compute_quota_exceeded'],
  }),
  followModelAlias: op({
    method: 'PUT',
    path: '/deployments/{name}/follow',
    summary: 'Follow a model alias (null: none): moving the alias rolls the deployment out; following starts a rollout when it points elsewhere',
    body: followAliasBody,
    teamRole: 'member',
    errors: ['conflict', 'compute_quota_exceeded'],
  }),
  listDeploymentEvents: op({ method: 'GET', path: '/deployments/{name}/events', summary: 'Rollout steps and other events', teamRole: 'viewer' }),
  getDeploymentLatency: op({
    method: 'GET',
    path: '/deployments/{name}/latency',
    summary: 'p50/p95/p99 per time slot',
    query: minutesQuerySchema,
    teamRole: 'viewer',
  }),
  getDeploymentPerformance: op({
    method: 'GET',
    path: '/deployments/{name}/performance',
    summary: 'Requests/s, 4xx and 5xx rates, p50/p95/p99 per variant, replicas and restarts, CPU and memory per replica',
    query: performanceQuerySchema,
    teamRole: 'viewer',
  }),
  getDeploymentLogs: op({
    method: 'GET',
    path: '/deployments/{name}/logs',
    summary:
      "Its replicas' stdout and stderr (running and recently stopped), newest `tail` lines, filtered by replica, text and time; `follow=true` streams new lines as server-sent events",
    query: deploymentLogsQuery,
    teamRole: 'viewer',
  }),
  listDeploymentRevisions: op({ method: 'GET', path: '/deployments/{name}/revisions', summary: 'Revision history with diffs', teamRole: 'viewer' }),
  rollbackDeployment: op({
    method: 'POST',
    path: '/deployments/{name}/rollback',
    summary: 'Restore an earlier revision as a new one (200 when nothing changed)',
    body: rollbackBody,
    teamRole: 'member',
    status: 202,
    errors: ['conflict', 'compute_quota_exceeded'],
  }),
  promoteDeployment: deploymentAction('promote', 'Promote a canary to the next step'),
  pauseDeployment: deploymentAction('pause', 'Pause a rollout'),
  resumeDeployment: deploymentAction('resume', 'Resume a paused rollout'),
  abortDeployment: deploymentAction('abort', 'Abort a rollout: back to the revision that was serving'),
  stopDeployment: deploymentAction('stop', 'Stop: out of routing, drained, stopped'),
  scaleDeployment: op({
    method: 'PUT',
    path: '/deployments/{name}/scale',
    summary: 'Set replicas or autoscaler bounds: a new revision (200 when nothing changed)',
    body: scaleSchema,
    teamRole: 'member',
    status: 202,
    errors: ['conflict', 'compute_quota_exceeded'],
  }),
  getDeploymentScaling: op({
    method: 'GET',
    path: '/deployments/{name}/scaling',
    summary: 'Autoscaling knobs, bounds, schedules and samples per variant',
    query: minutesQuerySchema,
    teamRole: 'viewer',
  }),
  getDeploymentComparison: op({
    method: 'GET',
    path: '/deployments/{name}/comparison',
    summary: 'Per-variant requests, errors, latency and significance',
    query: minutesQuerySchema,
    teamRole: 'viewer',
  }),
  tryDeployment: op({
    method: 'POST',
    path: '/deployments/{name}/try',
    summary: 'Send one prediction through the gateway (any JSON body) and see status, latency and answer',
    teamRole: 'viewer',
    errors: ['gateway_unavailable'],
  }),
  getDeploymentOpenApi: op({
    method: 'GET',
    path: '/deployments/{name}/openapi.json',
    summary: 'OpenAPI 3.1 of the deployment as callers reach it through the gateway',
    query: deploymentOpenApiQuery,
    teamRole: 'viewer',
  }),
  getDeploymentDrift: op({
    method: 'GET',
    path: '/deployments/{name}/drift',
    summary: 'Drift per feature and output against the reference: scores, thresholds, histograms, over time',
    query: driftQuery,
    teamRole: 'viewer',
  }),
  freezeDriftBaseline: op({
    method: 'POST',
    path: '/deployments/{name}/drift/baseline',
    summary: 'Freeze a drift baseline from a window of traffic (versions without reference data)',
    body: driftBaselineBody,
    teamRole: 'member',
    status: 201,
    errors: ['conflict'],
  }),
  listAlertRules: op({
    method: 'GET',
    path: '/deployments/{name}/alerts',
    summary: 'Alert rules with their state (ok or firing) and when each last fired',
    teamRole: 'viewer',
  }),
  createAlertRule: op({
    method: 'POST',
    path: '/deployments/{name}/alerts',
    summary: 'Create an alert rule (drift, error_rate, p99_latency, no_traffic) with an optional Slack-compatible webhook',
    body: alertRuleInputSchema,
    teamRole: 'member',
    status: 201,
    errors: ['conflict'],
  }),
  updateAlertRule: op({
    method: 'PATCH',
    path: '/deployments/{name}/alerts/{id}',
    summary: 'Edit an alert rule, or enable or disable it',
    body: alertRulePatchSchema,
    teamRole: 'member',
  }),
  deleteAlertRule: op({
    method: 'DELETE',
    path: '/deployments/{name}/alerts/{id}',
    summary: 'Delete an alert rule (its history stays)',
    teamRole: 'member',
    status: 204,
  }),
  testAlertRule: op({
    method: 'POST',
    path: '/deployments/{name}/alerts/{id}/test',
    summary: "Post a test notification to the rule's webhook now: delivered, or why not (status, DNS, refused, timeout)",
    teamRole: 'member',
    errors: ['conflict'],
  }),
  listAlertEvents: op({
    method: 'GET',
    path: '/deployments/{name}/alerts/history',
    summary: 'Alert events (fired, resolved) with webhook delivery, newest first, paginated',
    query: alertHistoryQuery,
    teamRole: 'viewer',
  }),
  getQualitySettings: op({
    method: 'GET',
    path: '/deployments/{name}/quality/settings',
    summary: 'Capture (percentage, size cap, redacted fields, retention) and predictions-ledger retention',
    teamRole: 'viewer',
  }),
  updateQualitySettings: op({
    method: 'PUT',
    path: '/deployments/{name}/quality/settings',
    summary: 'Set capture and ledger retention; gateways apply it within seconds',
    body: qualitySettingsBody,
    teamRole: 'member',
  }),
  getDeploymentQuality: op({
    method: 'GET',
    path: '/deployments/{name}/quality',
    summary: 'Accuracy, per-class metrics, confusion, calibration, MAE/RMSE, coverage, label delay and an estimate without labels, per variant over time',
    query: qualityQuery,
    teamRole: 'viewer',
  }),
  listCaptures: op({
    method: 'GET',
    path: '/deployments/{name}/captures',
    summary: 'Recent captured requests (filters: variant, status, time), newest first',
    query: capturesQuery,
    teamRole: 'viewer',
  }),
  downloadCaptures: op({
    method: 'GET',
    path: '/deployments/{name}/captures/download',
    summary: 'Captures of a time range as one gzip JSON Lines file',
    query: captureDownloadQuery,
    teamRole: 'viewer',
  }),
  getCapture: op({
    method: 'GET',
    path: '/deployments/{name}/captures/{requestId}',
    summary: 'One capture with its request and answer (redacted fields removed)',
    params: captureParams,
    query: captureQuery,
    teamRole: 'viewer',
  }),
  getDeploymentDocs: op({
    method: 'GET',
    path: '/deployments/{name}/docs',
    summary: 'Versions the deployment serves or served, with breaking changes and examples',
    teamRole: 'viewer',
  }),

  listApiKeys: op({ method: 'GET', path: '/api-keys', summary: 'The user’s API keys' }),
  createApiKey: op({
    method: 'POST',
    path: '/api-keys',
    summary: 'Create an API key (shown once)',
    body: createApiKeyBody,
    status: 201,
    errors: ['forbidden', 'conflict'],
  }),
  revokeApiKey: op({ method: 'DELETE', path: '/api-keys/{id}', summary: 'Revoke an API key', status: 204, errors: ['not_found'] }),
  listUsers: op({ method: 'GET', path: '/users', summary: 'Users', auth: 'admin' }),
  createUser: op({ method: 'POST', path: '/users', summary: 'Create a user', auth: 'admin', body: createUserSchema, status: 201, errors: ['conflict'] }),
  listTeams: op({ method: 'GET', path: '/teams', summary: 'Teams with storage use and quota', auth: 'admin' }),
  createTeam: op({ method: 'POST', path: '/teams', summary: 'Create a team', auth: 'admin', body: createTeamBody, status: 201, errors: ['conflict'] }),
  updateTeam: op({
    method: 'PATCH',
    path: '/teams/{id}',
    summary: 'Set a team’s storage quota',
    auth: 'admin',
    body: teamQuotaChangesSchema,
    errors: ['not_found'],
  }),
  addTeamMember: op({
    method: 'POST',
    path: '/teams/{id}/members',
    summary: 'Add a member with a role',
    auth: 'admin',
    body: addMemberBody,
    status: 201,
    errors: ['not_found'],
  }),
  listTeamSecrets: op({
    method: 'GET',
    path: '/teams/{id}/secrets',
    summary: 'The team’s secrets: names and when each was last set (values are never returned)',
    errors: ['not_found'],
  }),
  putTeamSecret: op({
    method: 'PUT',
    path: '/teams/{id}/secrets',
    summary: 'Set a team secret (encrypted at rest; write-only): services that name it get it as an environment variable',
    body: putSecretBody,
    errors: ['not_found', 'forbidden'],
  }),
  deleteTeamSecret: op({
    method: 'DELETE',
    path: '/teams/{id}/secrets/{name}',
    summary: 'Delete a team secret (running replicas keep the value they started with)',
    status: 204,
    errors: ['not_found', 'forbidden'],
  }),

  listAuditEntries: op({
    method: 'GET',
    path: '/audit',
    summary: 'The audit log: who changed deployments, keys, quotas, users and secrets, when; newest first, paginated',
    auth: 'admin',
    query: auditQuery,
  }),

  planDeploymentFile: op({
    method: 'POST',
    path: '/plan',
    summary: 'What applying a deployment file would change, field by field, with cost and quota (writes nothing)',
    body: deploymentFileSchema,
    query: planQuery,
    errors: ['not_found'],
  }),
  applyDeploymentFile: op({
    method: 'POST',
    path: '/apply',
    summary: 'Make what runs match a deployment file: everything checked, then a revision per changed deployment',
    body: deploymentFileSchema,
    query: applyQuery,
    errors: ['not_found', 'forbidden', 'conflict', 'compute_quota_exceeded'],
  }),
  getDeployFileSchema: op({ method: 'GET', path: '/schemas/deploy', summary: 'JSON Schema of slipway.deploy.yaml, for editors', auth: 'public' }),
  getOpenApi: op({ method: 'GET', path: '/openapi.json', summary: 'This document', auth: 'public' }),

  // Graph deployments (issue 22): composition of deployed models, executed in the gateway.
  listGraphs: op({ method: 'GET', path: '/graphs', summary: 'Graph deployments the user can see' }),
  createGraph: op({
    method: 'POST',
    path: '/graphs',
    summary: 'Create a graph deployment: type-checked against the nodes’ served signatures (400 naming each refused edge), then served',
    body: createGraphBody,
    status: 201,
    errors: ['forbidden', 'conflict'],
  }),
  checkGraph: op({
    method: 'POST',
    path: '/graphs/check',
    summary: 'Type-check a graph spec against what its nodes serve (writes nothing): its outputs, or 400 with each refused edge',
    body: checkGraphBody,
  }),
  getGraph: op({ method: 'GET', path: '/graphs/{name}', summary: 'A graph: current spec, revisions, broken reason, endpoints', teamRole: 'viewer' }),
  updateGraph: op({
    method: 'PUT',
    path: '/graphs/{name}',
    summary: 'A new spec as a new revision, once it type-checks (200 when nothing changed)',
    body: updateGraphBody,
    teamRole: 'member',
  }),
  rollbackGraph: op({
    method: 'POST',
    path: '/graphs/{name}/rollback',
    summary: 'Serve an earlier revision again, if it still type-checks',
    body: graphRollbackBody,
    teamRole: 'member',
    errors: ['not_found'],
  }),
  listGraphTraces: op({
    method: 'GET',
    path: '/graphs/{name}/traces',
    summary: 'Stored traces (a sample, and every failed request) with per-step timings',
    query: graphTracesQuery,
    teamRole: 'viewer',
  }),
} as const satisfies Record<string, OperationSpec>;

export type OperationId = keyof typeof API;

/** The catalogue as a list, each operation with its operationId. */
export const API_OPERATIONS: readonly Operation[] = Object.entries(API).map(([operationId, spec]) => ({ operationId, ...spec }));

/** The path parameters an operation's handler receives, checked before it runs (PATH_PARAMS by name, or its own). */
export function operationParams(operation: OperationSpec): z.ZodObject | undefined {
  return operation.params ?? pathParamsSchema(operation.path);
}
