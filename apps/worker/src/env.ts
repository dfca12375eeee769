import { z } from 'zod';

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

const gpuSchedulingSchema = z.record(
  z.string(),
  z.object({
    nodeSelector: z.record(z.string(), z.string()).default({}),
    tolerations: z
      .array(
        z.object({
          key: z.string().optional(),
          operator: z.enum(['Exists', 'Equal']).optional(),
          value: z.string().optional(),
          effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']).optional(),
        }),
      )
      .default([]),
  }),
);

const envSchema = z.object({
  DATABASE_URL: z.string().min(1),
  REDIS_URL: z.string().default('redis://127.0.0.1:6379'),
  SLIPWAY_PREFIX: z.string().default('slipway'),
  SLIPWAY_DATA_DIR: z.string().default('.data'),
  /** GPUs the local driver may hand out; a GPU machine type asks for more than this fails clearly. */
  SLIPWAY_HOST_GPUS: z.coerce.number().int().min(0).default(0),
  /** Interface replicas listen on, and the host name the gateway reaches them by (containers differ). */
  SLIPWAY_REPLICA_BIND_HOST: z.string().default('127.0.0.1'),
  SLIPWAY_REPLICA_ADVERTISE_HOST: z.string().optional(),
  SLIPWAY_READY_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
  /** How long replicas taken out of routing keep serving requests already sent to them before they stop. */
  SLIPWAY_DRAIN_MS: z.coerce.number().int().nonnegative().default(2_000),
  /** How often replicas are probed and unconverged deployments woken (self-healing). */
  SLIPWAY_RESYNC_INTERVAL_MS: z.coerce.number().int().positive().default(1_000),
  /** The autoscaler's tick. */
  SLIPWAY_AUTOSCALE_INTERVAL_MS: z.coerce.number().int().positive().default(1_000),
  /** How often alert rules are evaluated. */
  SLIPWAY_ALERT_INTERVAL_MS: z.coerce.number().int().positive().default(15_000),
  /** How often CPU and memory of the replica processes on this host are sampled (Performance page); 0 turns it off. */
  SLIPWAY_RESOURCE_SAMPLE_MS: z.coerce.number().int().nonnegative().default(10_000),
  SLIPWAY_GC_INTERVAL_MS: z.coerce
    .number()
    .int()
    .positive()
    .default(60 * 60 * 1000),
  SLIPWAY_GC_GRACE_MS: z.coerce
    .number()
    .int()
    .nonnegative()
    .default(60 * 60 * 1000),
  /** Where replicas run: child processes of this worker (`local`) or pods (`kubernetes`, see deploy/kubernetes). */
  SLIPWAY_DRIVER: z.enum(['local', 'kubernetes']).default('local'),
  /** 32 bytes (base64 or hex) that open teams' secrets for the services that name them; npm start generates one under .data. */
  SLIPWAY_SECRET_KEY: z.string().min(1).optional(),
  /** The namespace replicas run in; with SLIPWAY_K8S_NAMESPACE_PREFIX instead one namespace per team (prefix + team id). */
  SLIPWAY_K8S_NAMESPACE: z.string().regex(DNS_LABEL).default('slipway-models'),
  SLIPWAY_K8S_NAMESPACE_PREFIX: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]*$/)
    .optional(),
  SLIPWAY_K8S_RUNTIME_IMAGE: z.string().min(1).optional(),
  /** The same image built on onnxruntime's CUDA build; without it GPU machine types are refused. */
  SLIPWAY_K8S_RUNTIME_GPU_IMAGE: z.string().min(1).optional(),
  /** The Python runtime image (deploy/python-runtime.Dockerfile) Python versions' pods run; without it they are refused. */
  SLIPWAY_K8S_PYTHON_RUNTIME_IMAGE: z.string().min(1).optional(),
  SLIPWAY_K8S_IMAGE_PULL_POLICY: z.enum(['Always', 'IfNotPresent', 'Never']).default('IfNotPresent'),
  /** Secret in the replicas' namespace with the blob store's settings (SLIPWAY_STORAGE=s3, SLIPWAY_S3_*, AWS_*). */
  SLIPWAY_K8S_STORAGE_SECRET: z.string().regex(DNS_LABEL).default('slipway-storage'),
  /** Secret in the replicas' namespace holding REDIS_URL, for the pods' drift windows; without it pods collect no drift. */
  SLIPWAY_K8S_DRIFT_SECRET: z.string().regex(DNS_LABEL).optional(),
  /** JSON: {"<gpu type>": {"nodeSelector": {...}, "tolerations": [...]}} for the catalog's GPU types. */
  SLIPWAY_K8S_GPU_SCHEDULING: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (!v) return {};
      try {
        return gpuSchedulingSchema.parse(JSON.parse(v));
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: `not a valid GPU scheduling map: ${error instanceof Error ? error.message : String(error)}` });
        return z.NEVER;
      }
    }),
  SLIPWAY_K8S_PROGRESS_DEADLINE_SECONDS: z.coerce.number().int().positive().default(600),
  /** How long a pod may take to be created and scheduled before the start counts as timed out (retried). */
  SLIPWAY_K8S_PLACE_TIMEOUT_MS: z.coerce.number().int().positive().default(120_000),
  /** How long a stopping replica pod finishes accepted requests (its SIGTERM drain and grace period). */
  SLIPWAY_K8S_DRAIN_SECONDS: z.coerce.number().int().positive().default(10),
  /** A package index Python environments install from (pip --index-url); without one only from a version's wheels/. */
  SLIPWAY_PIP_INDEX_URL: z.url().optional(),
  /** Bubblewrap around user code on this host (environment builds, inspections, local replicas): auto uses it when installed. */
  SLIPWAY_SANDBOX: z.enum(['auto', 'on', 'off']).default('auto'),
});

export type WorkerEnv = z.infer<typeof envSchema>;

export function parseWorkerEnv(env: NodeJS.ProcessEnv = process.env): WorkerEnv {
  return envSchema
    .refine((e) => e.SLIPWAY_DRIVER !== 'kubernetes' || e.SLIPWAY_K8S_RUNTIME_IMAGE, {
      message: 'SLIPWAY_DRIVER=kubernetes needs SLIPWAY_K8S_RUNTIME_IMAGE (the Slipway image replicas run)',
      path: ['SLIPWAY_K8S_RUNTIME_IMAGE'],
    })
    .parse(env);
}
