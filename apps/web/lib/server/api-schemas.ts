import { aliasNameSchema, graphSpecSchema, modelTagsSchema, resourceNameSchema } from '@slipway/core';
import { z } from 'zod';
import { MAX_INT4 } from './path-params';
import { storageQuotaSchema } from './teams';

/**
 * Bodies and query strings of the control plane's operations that belong to no other module; the catalogue
 * (api-catalogue.ts) declares them beside each operation, the route factory validates with them.
 */

export const loginBody = z.object({ email: z.string().email().max(320), password: z.string().min(1).max(1024) });

/** The plaintext key is in the creation's response only; the database keeps its hash. */
export const createApiKeyBody = z.object({
  name: z.string().trim().min(1).max(100),
  rateLimitPerSecond: z.number().int().min(1).max(10_000_000).optional(),
  /** `invoke` (the default): predictions and docs; `read-only`: the model's docs and schema only. */
  scope: z.enum(['invoke', 'read-only']).default('invoke'),
  /** Deployment names the key is limited to; left out or empty: every deployment of the user's teams. */
  deployments: z.array(resourceNameSchema).max(100).default([]),
  /** When the key stops working; left out: never. */
  expiresAt: z.iso
    .datetime({ offset: true })
    .refine((at) => Date.parse(at) > Date.now(), { message: 'the expiry must be in the future' })
    .optional(),
});

/** A team secret: its name is the environment variable a service or Python model gets it as. */
export const putSecretBody = z.strictObject({
  name: z.string().regex(/^[A-Z_][A-Z0-9_]{0,127}$/, 'must be an environment variable name: A-Z, 0-9 and _, not starting with a digit'),
  value: z
    .string()
    .min(1, 'must not be empty')
    .max(32 * 1024, 'must be at most 32 KiB'),
});

export const createModelBody = z.object({
  name: resourceNameSchema,
  description: z.string().max(2000).default(''),
  teamId: z.uuid().optional(),
});

/** `curl -T model.onnx "…/versions?filename=model.onnx"`. */
export const uploadQuery = z.object({ filename: z.string().min(1).max(255) });

export const createTeamBody = z.object({ name: z.string().trim().min(2).max(63), storageQuotaBytes: storageQuotaSchema.optional() });

export const addMemberBody = z.object({
  email: z
    .string()
    .email()
    .transform((e) => e.toLowerCase()),
  role: z.enum(['admin', 'member', 'viewer']),
});

/** A revision number: an `integer` column. */
export const rollbackBody = z.object({ revision: z.number().int().positive().max(MAX_INT4), supersede: z.boolean().optional() });

/** `?version=N`: a version label. */
export const deploymentOpenApiQuery = z.object({ version: z.coerce.number().int().positive().max(MAX_INT4).optional() });

export const driftQuery = z.object({
  minutes: z.coerce
    .number()
    .int()
    .min(1)
    .max(30 * 24 * 60)
    .default(60),
  variant: z.string().min(1).max(100).optional(),
});

export const driftBaselineBody = z
  .object({ from: z.iso.datetime({ offset: true }), to: z.iso.datetime({ offset: true }), variant: z.string().min(1).max(100).optional() })
  .refine((b) => Date.parse(b.from) < Date.parse(b.to), { message: "'from' must be before 'to'", path: ['to'] });

export const alertHistoryQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** The `nextCursor` of the page before: events older than that one. */
  before: z.uuid().optional(),
});

const flag = z.enum(['true', 'false']).transform((v) => v === 'true');
export const planQuery = z.object({ prune: flag.optional() });
export const applyQuery = z.object({ prune: flag.optional(), supersede: flag.optional() });

/** `GET /deployments/{name}/logs`: one replica or all, text search, since a time, the newest N, and follow live (SSE). */
export const deploymentLogsQuery = z.object({
  replica: z.uuid().optional(),
  search: z.string().min(1).max(200).optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  tail: z.coerce.number().int().min(1).max(5_000).default(500),
  follow: flag.optional(),
});

// ---- Graph deployments (issue 22) ----

/** `POST /graphs`: a graph deployment's name, team and spec (`graphSpecSchema`). */
export const createGraphBody = z.object({ name: resourceNameSchema, teamId: z.uuid().optional(), spec: graphSpecSchema });
/** `PUT /graphs/{name}`: a new spec, served as a new revision once it type-checks. */
export const updateGraphBody = z.object({ spec: graphSpecSchema });
export const checkGraphBody = z.object({ spec: graphSpecSchema });
export const graphRollbackBody = z.object({ revision: z.number().int().positive().max(MAX_INT4) });
export const graphTracesQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  failed: z.enum(['true', 'false']).optional(),
});
/** A clone's name: a new deployment's. */
export const cloneDeploymentBody = z.object({ name: resourceNameSchema });

/** A model's card and tags: what is left out stays. */
export const updateModelBody = z
  .object({ description: z.string().max(20_000).optional(), tags: modelTagsSchema.optional() })
  .refine((b) => b.description !== undefined || b.tags !== undefined, { message: 'give a description or tags' });

/** Which version an alias points at. */
export const moveAliasBody = z.object({ versionLabel: z.number().int().positive().max(MAX_INT4) });

/** The alias a deployment follows; null: follow none. */
export const followAliasBody = z.object({ alias: aliasNameSchema.nullable() });
