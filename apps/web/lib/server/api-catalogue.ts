import { alertRuleInputSchema, alertRulePatchSchema, deploymentFileSchema, performanceQuerySchema } from '@slipway/core';
import { z } from 'zod';
import {
  addMemberBody,
  alertHistoryQuery,
  applyQuery,
  createApiKeyBody,
  createModelBody,
  createTeamBody,
  deploymentOpenApiQuery,
  driftBaselineBody,
  driftQuery,
  loginBody,
  planQuery,
  rollbackBody,
  uploadQuery,
} from './api-schemas';
import { createDeploymentSchema, scaleSchema, updateDeploymentSchema } from './deployment-specs';
import type { ApiErrorCode } from './errors';
import { machineTypeChangesSchema, newMachineTypeSchema } from './machine-types';
import { minutesQuerySchema } from './minutes-query';
import { pathParamsSchema } from './path-params';
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
} as const satisfies Record<string, OperationSpec>;

export type OperationId = keyof typeof API;

/** The catalogue as a list, each operation with its operationId. */
export const API_OPERATIONS: readonly Operation[] = Object.entries(API).map(([operationId, spec]) => ({ operationId, ...spec }));

/** The path parameters an operation's handler receives, checked before it runs (PATH_PARAMS by name, or its own). */
export function operationParams(operation: OperationSpec): z.ZodObject | undefined {
  return operation.params ?? pathParamsSchema(operation.path);
}
