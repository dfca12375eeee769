import * as apiKey from '@/app/api/v1/api-keys/[id]/route';
import * as apiKeys from '@/app/api/v1/api-keys/route';
import * as login from '@/app/api/v1/auth/login/route';
import * as logout from '@/app/api/v1/auth/logout/route';
import * as abort from '@/app/api/v1/deployments/[name]/abort/route';
import * as alertRule from '@/app/api/v1/deployments/[name]/alerts/[id]/route';
import * as alertHistory from '@/app/api/v1/deployments/[name]/alerts/history/route';
import * as alerts from '@/app/api/v1/deployments/[name]/alerts/route';
import * as comparison from '@/app/api/v1/deployments/[name]/comparison/route';
import * as docs from '@/app/api/v1/deployments/[name]/docs/route';
import * as driftBaseline from '@/app/api/v1/deployments/[name]/drift/baseline/route';
import * as drift from '@/app/api/v1/deployments/[name]/drift/route';
import * as events from '@/app/api/v1/deployments/[name]/events/route';
import * as latency from '@/app/api/v1/deployments/[name]/latency/route';
import * as deploymentPerformance from '@/app/api/v1/deployments/[name]/performance/route';
import * as deploymentOpenApi from '@/app/api/v1/deployments/[name]/openapi.json/route';
import * as pause from '@/app/api/v1/deployments/[name]/pause/route';
import * as promote from '@/app/api/v1/deployments/[name]/promote/route';
import * as resume from '@/app/api/v1/deployments/[name]/resume/route';
import * as revisions from '@/app/api/v1/deployments/[name]/revisions/route';
import * as rollback from '@/app/api/v1/deployments/[name]/rollback/route';
import * as deployment from '@/app/api/v1/deployments/[name]/route';
import * as scale from '@/app/api/v1/deployments/[name]/scale/route';
import * as scaling from '@/app/api/v1/deployments/[name]/scaling/route';
import * as stop from '@/app/api/v1/deployments/[name]/stop/route';
import * as tryIt from '@/app/api/v1/deployments/[name]/try/route';
import * as deployments from '@/app/api/v1/deployments/route';
import * as machineType from '@/app/api/v1/machine-types/[name]/route';
import * as machineTypes from '@/app/api/v1/machine-types/route';
import * as me from '@/app/api/v1/me/route';
import * as model from '@/app/api/v1/models/[name]/route';
import * as artifact from '@/app/api/v1/models/[name]/versions/[label]/artifact/route';
import * as version from '@/app/api/v1/models/[name]/versions/[label]/route';
import * as versions from '@/app/api/v1/models/[name]/versions/route';
import * as models from '@/app/api/v1/models/route';
import * as controlPlaneOpenApi from '@/app/api/v1/openapi.json/route';
import * as apply from '@/app/api/v1/apply/route';
import * as plan from '@/app/api/v1/plan/route';
import * as deploySchema from '@/app/api/v1/schemas/deploy/route';
import * as teamMembers from '@/app/api/v1/teams/[id]/members/route';
import * as team from '@/app/api/v1/teams/[id]/route';
import * as teams from '@/app/api/v1/teams/route';
import * as uploads from '@/app/api/v1/uploads/[[...id]]/route';
import * as usage from '@/app/api/v1/usage/route';
import * as users from '@/app/api/v1/users/route';
import type { ApiErrorCode } from './errors';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';

/**
 * Who may call an operation: anyone, any signed-in user, a team role on the resource named in the path
 * (viewer < member < admin; platform admins pass every team check), or platform admins only.
 */
export type Access = 'public' | 'signed-in' | 'team viewer' | 'team member' | 'platform admin';

export interface CatalogueOperation {
  summary: string;
  /** Team role on the resource; the handler's `auth` decides public, signed-in and platform admin. */
  teamRole?: 'viewer' | 'member';
  /** What the handler answers beyond what its declaration implies (401, 400 validation, 404/403 for team roles). */
  errors?: ApiErrorCode[];
  /** The success status when it is not 200. */
  status?: number;
  /** Handlers not built by `route()` (tus) declare their access here. */
  access?: Access;
  /** The body is not JSON (uploads). */
  rawBody?: string;
}

export interface CatalogueEntry {
  /** OpenAPI path under /api/v1, `{param}` for dynamic segments. */
  path: string;
  /** The route module: its exported handlers are what the document describes. */
  module: Record<string, unknown>;
  operations: Partial<Record<HttpMethod, CatalogueOperation>>;
}

const deploymentAction = (summary: string): CatalogueEntry['operations'] => ({
  POST: { summary, teamRole: 'member', status: 202, errors: ['conflict'] },
});

/** Every /api/v1 route: the control plane's OpenAPI is generated from this list and each handler's zod schemas. */
export const API_CATALOGUE: CatalogueEntry[] = [
  {
    path: '/auth/login',
    module: login,
    operations: { POST: { summary: 'Sign in: sets the session cookie', errors: ['invalid_credentials', 'too_many_requests'] } },
  },
  { path: '/auth/logout', module: logout, operations: { POST: { summary: 'Sign out: ends the session', status: 204 } } },
  { path: '/me', module: me, operations: { GET: { summary: 'The signed-in user, their teams and roles' } } },
  { path: '/usage', module: usage, operations: { GET: { summary: 'Storage and compute used by the teams the user can see' } } },
  {
    path: '/models',
    module: models,
    operations: {
      GET: { summary: 'Models the user can see' },
      POST: { summary: 'Create a model', status: 201, errors: ['forbidden', 'conflict', 'not_found'] },
    },
  },
  { path: '/models/{name}', module: model, operations: { GET: { summary: 'A model and its versions', teamRole: 'viewer' } } },
  {
    path: '/models/{name}/versions',
    module: versions,
    operations: {
      GET: { summary: 'Versions of a model', teamRole: 'viewer' },
      POST: {
        summary: 'Upload an artifact as a new version (raw body; 200 with deduplicated: true for identical bytes)',
        teamRole: 'member',
        status: 202,
        rawBody: 'application/octet-stream',
        errors: ['payload_too_large', 'quota_exceeded', 'unsupported_media_type'],
      },
      PUT: {
        summary: 'Upload an artifact as a new version (same as POST, for curl -T)',
        teamRole: 'member',
        status: 202,
        rawBody: 'application/octet-stream',
        errors: ['payload_too_large', 'quota_exceeded', 'unsupported_media_type'],
      },
    },
  },
  {
    path: '/models/{name}/versions/{label}',
    module: version,
    operations: {
      GET: { summary: 'A version: digest, status, signature, manifest, details, reference statistics', teamRole: 'viewer' },
      DELETE: { summary: 'Delete a version (409 while a deployment serves it)', teamRole: 'member', status: 204, errors: ['conflict'] },
    },
  },
  {
    path: '/models/{name}/versions/{label}/artifact',
    module: artifact,
    operations: { GET: { summary: 'The original artifact, byte for byte', teamRole: 'viewer' } },
  },
  {
    path: '/uploads',
    module: uploads,
    operations: {
      POST: {
        summary: 'Create a resumable upload (tus 1.0; metadata `filename` and `model`)',
        access: 'team member',
        status: 201,
        rawBody: 'application/offset+octet-stream',
        errors: ['payload_too_large', 'unsupported_media_type'],
      },
      OPTIONS: { summary: 'tus capabilities', access: 'public', status: 204 },
    },
  },
  {
    path: '/uploads/{id}',
    module: uploads,
    operations: {
      HEAD: { summary: 'The offset an upload has reached, to resume from', access: 'team member' },
      PATCH: {
        summary: 'Append a chunk; the last one answers 201 {version, deduplicated} (200 when deduplicated)',
        access: 'team member',
        status: 204,
        rawBody: 'application/offset+octet-stream',
        errors: ['payload_too_large', 'quota_exceeded'],
      },
      DELETE: { summary: 'Cancel an upload and delete what was sent', access: 'team member', status: 204 },
      GET: { summary: 'Handled by the tus server (uploads are not downloadable)', access: 'team member' },
    },
  },
  {
    path: '/machine-types',
    module: machineTypes,
    operations: { GET: { summary: 'The machine catalog' }, POST: { summary: 'Add a machine type', status: 201, errors: ['conflict'] } },
  },
  {
    path: '/machine-types/{name}',
    module: machineType,
    operations: {
      PATCH: { summary: 'Change a machine type', errors: ['not_found'] },
      DELETE: { summary: 'Delete a machine type (409 while deployments use it)', status: 204, errors: ['not_found', 'conflict'] },
    },
  },
  {
    path: '/deployments',
    module: deployments,
    operations: {
      GET: { summary: 'Deployments the user can see' },
      POST: { summary: 'Deploy a version', status: 201, errors: ['not_found', 'forbidden', 'conflict', 'compute_quota_exceeded'] },
    },
  },
  {
    path: '/deployments/{name}',
    module: deployment,
    operations: {
      GET: { summary: 'A deployment: variants, replicas, endpoints, rollout', teamRole: 'viewer' },
      PATCH: {
        summary: 'Change the desired state: a new revision rolled out with a strategy (200 when nothing changed)',
        teamRole: 'member',
        status: 202,
        errors: ['conflict', 'compute_quota_exceeded'],
      },
    },
  },
  { path: '/deployments/{name}/events', module: events, operations: { GET: { summary: 'Rollout steps and other events', teamRole: 'viewer' } } },
  { path: '/deployments/{name}/latency', module: latency, operations: { GET: { summary: 'p50/p95/p99 per time slot', teamRole: 'viewer' } } },
  {
    path: '/deployments/{name}/performance',
    module: deploymentPerformance,
    operations: {
      GET: { summary: 'Requests/s, 4xx and 5xx rates, p50/p95/p99 per variant, replicas and restarts, CPU and memory per replica', teamRole: 'viewer' },
    },
  },
  { path: '/deployments/{name}/revisions', module: revisions, operations: { GET: { summary: 'Revision history with diffs', teamRole: 'viewer' } } },
  {
    path: '/deployments/{name}/rollback',
    module: rollback,
    operations: {
      POST: {
        summary: 'Restore an earlier revision as a new one (200 when nothing changed)',
        teamRole: 'member',
        status: 202,
        errors: ['conflict', 'compute_quota_exceeded'],
      },
    },
  },
  { path: '/deployments/{name}/promote', module: promote, operations: deploymentAction('Promote a canary to the next step') },
  { path: '/deployments/{name}/pause', module: pause, operations: deploymentAction('Pause a rollout') },
  { path: '/deployments/{name}/resume', module: resume, operations: deploymentAction('Resume a paused rollout') },
  { path: '/deployments/{name}/abort', module: abort, operations: deploymentAction('Abort a rollout: back to the revision that was serving') },
  { path: '/deployments/{name}/stop', module: stop, operations: deploymentAction('Stop: out of routing, drained, stopped') },
  {
    path: '/deployments/{name}/scale',
    module: scale,
    operations: {
      PUT: {
        summary: 'Set replicas or autoscaler bounds: a new revision (200 when nothing changed)',
        teamRole: 'member',
        status: 202,
        errors: ['conflict', 'compute_quota_exceeded'],
      },
    },
  },
  {
    path: '/deployments/{name}/scaling',
    module: scaling,
    operations: { GET: { summary: 'Autoscaling knobs, bounds, schedules and samples per variant', teamRole: 'viewer' } },
  },
  {
    path: '/deployments/{name}/comparison',
    module: comparison,
    operations: { GET: { summary: 'Per-variant requests, errors, latency and significance', teamRole: 'viewer' } },
  },
  {
    path: '/deployments/{name}/try',
    module: tryIt,
    operations: {
      POST: {
        summary: 'Send one prediction through the gateway (any JSON body) and see status, latency and answer',
        teamRole: 'viewer',
        errors: ['gateway_unavailable'],
      },
    },
  },
  {
    path: '/deployments/{name}/openapi.json',
    module: deploymentOpenApi,
    operations: { GET: { summary: 'OpenAPI 3.1 of the deployment as callers reach it through the gateway', teamRole: 'viewer' } },
  },
  {
    path: '/deployments/{name}/drift',
    module: drift,
    operations: { GET: { summary: 'Drift per feature and output against the reference: scores, thresholds, histograms, over time', teamRole: 'viewer' } },
  },
  {
    path: '/deployments/{name}/drift/baseline',
    module: driftBaseline,
    operations: {
      POST: {
        summary: 'Freeze a drift baseline from a window of traffic (versions without reference data)',
        teamRole: 'member',
        status: 201,
        errors: ['conflict'],
      },
    },
  },
  {
    path: '/deployments/{name}/alerts',
    module: alerts,
    operations: {
      GET: { summary: 'Alert rules with their state (ok or firing) and when each last fired', teamRole: 'viewer' },
      POST: {
        summary: 'Create an alert rule (drift, error_rate, p99_latency, no_traffic) with an optional Slack-compatible webhook',
        teamRole: 'member',
        status: 201,
        errors: ['conflict'],
      },
    },
  },
  {
    path: '/deployments/{name}/alerts/{id}',
    module: alertRule,
    operations: {
      PATCH: { summary: 'Edit an alert rule, or enable or disable it', teamRole: 'member' },
      DELETE: { summary: 'Delete an alert rule (its history stays)', teamRole: 'member', status: 204 },
    },
  },
  {
    path: '/deployments/{name}/alerts/history',
    module: alertHistory,
    operations: { GET: { summary: 'Alert events (fired, resolved) with webhook delivery, newest first, paginated', teamRole: 'viewer' } },
  },
  {
    path: '/deployments/{name}/docs',
    module: docs,
    operations: { GET: { summary: 'Versions the deployment serves or served, with breaking changes and examples', teamRole: 'viewer' } },
  },
  {
    path: '/api-keys',
    module: apiKeys,
    operations: {
      GET: { summary: 'The user’s API keys' },
      POST: { summary: 'Create an API key (shown once)', status: 201, errors: ['forbidden', 'conflict'] },
    },
  },
  { path: '/api-keys/{id}', module: apiKey, operations: { DELETE: { summary: 'Revoke an API key', status: 204, errors: ['not_found'] } } },
  { path: '/users', module: users, operations: { GET: { summary: 'Users' }, POST: { summary: 'Create a user', status: 201, errors: ['conflict'] } } },
  {
    path: '/teams',
    module: teams,
    operations: { GET: { summary: 'Teams with storage use and quota' }, POST: { summary: 'Create a team', status: 201, errors: ['conflict'] } },
  },
  { path: '/teams/{id}', module: team, operations: { PATCH: { summary: 'Set a team’s storage quota', errors: ['not_found'] } } },
  { path: '/teams/{id}/members', module: teamMembers, operations: { POST: { summary: 'Add a member with a role', status: 201, errors: ['not_found'] } } },
  {
    path: '/plan',
    module: plan,
    operations: {
      POST: { summary: 'What applying a deployment file would change, field by field, with cost and quota (writes nothing)', errors: ['not_found'] },
    },
  },
  {
    path: '/apply',
    module: apply,
    operations: {
      POST: {
        summary: 'Make what runs match a deployment file: everything checked, then a revision per changed deployment',
        errors: ['not_found', 'forbidden', 'conflict', 'compute_quota_exceeded'],
      },
    },
  },
  { path: '/schemas/deploy', module: deploySchema, operations: { GET: { summary: 'JSON Schema of slipway.deploy.yaml, for editors' } } },
  { path: '/openapi.json', module: controlPlaneOpenApi, operations: { GET: { summary: 'This document' } } },
];
