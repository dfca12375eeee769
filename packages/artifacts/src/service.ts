import type { ModelSignature } from '@slipway/core';
import { z } from 'zod';
import { invalidManifest, requirementsFileOf } from './manifest-file';
import type { ArtifactFile } from './staging-dir';

/*
 * The slipway.yaml keys of an HTTP service (`runtime: service`): any program that listens on $PORT.
 *
 *   runtime: service
 *   command: ["python3", "app.py"]      # argv, run in the unpacked artifact's directory
 *   health: /health                     # GET, 200 = ready (the default)
 *   startupTimeoutSeconds: 120          # healthy within this long after start, or the start failed
 *   requestTimeoutSeconds: 60           # the gateway's limit on one request (the whole answer)
 *   drainSeconds: 30                    # SIGTERM, then SIGKILL after this long
 *   openapi: /openapi.json              # optional: where the service serves its own OpenAPI document
 *   env: {LOG_LEVEL: info}              # declared environment variables
 *   secrets: [PI_TOKEN]                 # the team's secrets of these names, as environment variables
 *   requirements: requirements.txt      # optional: Python dependencies (the shared environment build), wheels in wheels/
 *   signature: {inputs: …, outputs: …}  # optional: a tensor signature, for drift monitoring
 */

/** A name the process sees as an environment variable (POSIX portable: upper case, digits, underscore). */
const envName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'expected an environment variable name such as API_MODE (A-Z, 0-9, _)');

/** Variables a service may not declare: the platform sets them (PORT) or they change how the process runs. */
export const RESERVED_SERVICE_ENV: readonly string[] = ['PORT', 'HOME', 'PATH', 'TMPDIR', 'LD_PRELOAD', 'LD_LIBRARY_PATH', 'PYTHONPATH', 'NODE_OPTIONS'];

const httpPath = z.string().regex(/^\/[\w\-./~%]*$/, "expected an absolute path such as '/health'");

/** The manifest keys only a service has (`runtime`, `requirements` and `signature` are shared with Python models). */
export const serviceManifestKeys = {
  command: z.array(z.string().min(1)).min(1, 'expected the argv to run, e.g. ["python3", "app.py"]').max(64).optional(),
  health: httpPath.optional(),
  startupTimeoutSeconds: z.number().int().min(1).max(3600).optional(),
  requestTimeoutSeconds: z.number().int().min(1).max(3600).optional(),
  drainSeconds: z.number().int().min(0).max(600).optional(),
  openapi: httpPath.optional(),
  env: z
    .record(envName, z.string().max(4096))
    .refine((env) => Object.keys(env).every((name) => !RESERVED_SERVICE_ENV.includes(name)), {
      message: `may not set ${RESERVED_SERVICE_ENV.join(', ')} (the platform sets them)`,
    })
    .optional(),
  secrets: z.array(envName).max(64).optional(),
};

/** What a service's replicas, gateway and docs need from its artifact. */
export interface ServiceArtifact {
  command: string[];
  healthPath: string;
  startupTimeoutSeconds: number;
  requestTimeoutSeconds: number;
  drainSeconds: number;
  openapiPath: string | null;
  env: Record<string, string>;
  /** Names of the team's secrets, each injected as the environment variable of the same name. */
  secrets: string[];
  /** Relative to the artifact root. */
  requirementsFile: string | null;
  wheels: string[];
  /** Declared only for drift monitoring; a service is called with whatever its routes take. */
  signature: ModelSignature | null;
}

/** Defaults users know from SageMaker's and Hugging Face's contracts: health within minutes, 30 s to drain. */
export const SERVICE_DEFAULTS = { healthPath: '/health', startupTimeoutSeconds: 300, requestTimeoutSeconds: 60, drainSeconds: 30 } as const;

type ServiceManifest = { [K in keyof typeof serviceManifestKeys]?: z.infer<(typeof serviceManifestKeys)[K]> } & {
  runtime?: string | undefined;
  model?: string | undefined;
  predictor?: string | undefined;
  requirements?: string | undefined;
  signature?: ModelSignature | undefined;
};

const SERVICE_ONLY = ['command', 'health', 'startupTimeoutSeconds', 'requestTimeoutSeconds', 'drainSeconds', 'openapi', 'env', 'secrets'] as const;

/** The service a manifest declares, checked against the artifact's files; null for a model. */
export function readService(manifest: ServiceManifest, files: readonly ArtifactFile[], manifestPath: string): ServiceArtifact | null {
  if (manifest.runtime !== 'service') {
    const stray = SERVICE_ONLY.filter((key) => manifest[key] !== undefined);
    if (stray.length > 0) throw invalidManifest(`${manifestPath}: ${stray.map((k) => `'${k}'`).join(', ')} need 'runtime: service'.`);
    return null;
  }
  if (manifest.model !== undefined || manifest.predictor !== undefined) {
    throw invalidManifest(`${manifestPath}: a service runs its 'command'; it names no 'model' or 'predictor'.`);
  }
  if (manifest.command === undefined) {
    throw invalidManifest(`${manifestPath}: 'runtime: service' needs 'command', the argv that starts a server on $PORT (e.g. ["python3", "app.py"]).`);
  }
  const requirementsFile = requirementsFileOf(manifest.requirements, files, manifestPath);
  return {
    command: manifest.command,
    healthPath: manifest.health ?? SERVICE_DEFAULTS.healthPath,
    startupTimeoutSeconds: manifest.startupTimeoutSeconds ?? SERVICE_DEFAULTS.startupTimeoutSeconds,
    requestTimeoutSeconds: manifest.requestTimeoutSeconds ?? SERVICE_DEFAULTS.requestTimeoutSeconds,
    drainSeconds: manifest.drainSeconds ?? SERVICE_DEFAULTS.drainSeconds,
    openapiPath: manifest.openapi ?? null,
    env: manifest.env ?? {},
    secrets: [...new Set(manifest.secrets ?? [])],
    requirementsFile,
    wheels: files.filter((f) => f.path.startsWith('wheels/') && f.path.endsWith('.whl')).map((f) => f.path),
    signature: manifest.signature ?? null,
  };
}

/** A service's details as stored on its version (`ModelVersion.details.service`), read back by the worker and the gateway's publisher. */
export const serviceArtifactSchema = z.object({
  command: z.array(z.string()).min(1),
  healthPath: z.string(),
  startupTimeoutSeconds: z.number(),
  requestTimeoutSeconds: z.number(),
  drainSeconds: z.number(),
  openapiPath: z.string().nullable(),
  env: z.record(z.string(), z.string()),
  secrets: z.array(z.string()),
  requirementsFile: z.string().nullable(),
  wheels: z.array(z.string()),
});

/** The service of a version's stored details, or null for a model. */
export function serviceOfDetails(details: unknown): z.infer<typeof serviceArtifactSchema> | null {
  if (details === null || typeof details !== 'object' || !('service' in details)) return null;
  const parsed = serviceArtifactSchema.safeParse((details as { service: unknown }).service);
  return parsed.success ? parsed.data : null;
}
