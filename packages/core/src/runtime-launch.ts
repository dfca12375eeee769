import { z } from 'zod';
import { type ModelSignature, modelSignatureSchema } from './signature';

/**
 * The runtime's launch contract, shared by whoever starts replicas (the local driver, tests, benches):
 * the environment it reads, the header that carries its secret, and the line it prints once listening.
 */

const onOff = z.enum(['auto', 'on', 'off']);

export const runtimeEnvSchema = z
  .object({
    PORT: z.coerce.number().int().min(0).default(8090),
    /** The gateway's framed transport (length-prefixed frames over TCP) on HOST; 0 picks a free port. */
    SLIPWAY_FRAMED_PORT: z.coerce.number().int().min(0).default(0),
    HOST: z.string().default('127.0.0.1'),
    /** An ONNX file, or for a Python model the directory its predictor loads from. */
    SLIPWAY_MODEL_PATH: z.string().min(1),
    /** How the replica runs its model: onnxruntime in process, or the predictor in one Python process. */
    SLIPWAY_RUNTIME_KIND: z.enum(['onnx', 'python']).default('onnx'),
    /** A Python model's interpreter (a version's environment, or Debian's python3 with its numpy and scikit-learn). */
    SLIPWAY_PYTHON: z.string().min(1).default('/usr/bin/python3'),
    /** A Python model's predictor as `module:Class`, the module importable from the model directory. */
    SLIPWAY_PREDICTOR: z
      .string()
      .regex(/^[A-Za-z_][\w.]*:[A-Za-z_]\w*$/, 'expected module:Class')
      .optional(),
    /** A Python model's declared signature (JSON, as the manifest declares it): ONNX models carry their own. */
    SLIPWAY_SIGNATURE: z
      .string()
      .optional()
      .transform((v) => (v ? modelSignatureSchema.parse(JSON.parse(v)) : undefined)),
    /** How long a Python predictor may take on one batch; past it the process is killed and the replica exits to be replaced. */
    SLIPWAY_PREDICT_TIMEOUT_MS: z.coerce.number().int().positive().default(60_000),
    /** A Python model's processes per replica: each runs one batch at a time, so up to this many batches run at once. */
    SLIPWAY_PYTHON_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(1),
    /** User code under bubblewrap: `auto` when `bwrap` is installed, `on` refuses to start without it. */
    SLIPWAY_SANDBOX: onOff.default('auto'),
    SLIPWAY_MODEL_NAME: z.string().min(1),
    SLIPWAY_MODEL_VERSION: z.string().default('1'),
    /**
     * The secret the gateway sends (REPLICA_TOKEN_HEADER) on every request it forwards; anything else
     * but the health probes gets a 401. Without it the replica serves anyone, so it must listen on loopback.
     */
    SLIPWAY_REPLICA_TOKEN: z.string().min(16).optional(),
    SLIPWAY_INTRA_OP_THREADS: z.coerce.number().int().min(0).default(0),
    SLIPWAY_EXECUTION_PROVIDER: z.enum(['cpu', 'cuda']).default('cpu'),
    /** `auto` batches models whose batch dimension is dynamic. */
    SLIPWAY_BATCHING: onOff.default('auto'),
    SLIPWAY_MAX_BATCH_SIZE: z.coerce.number().int().positive().default(64),
    /** How long an idle model waits for more requests before running a batch; 0 runs at once. */
    SLIPWAY_MAX_QUEUE_DELAY_MS: z.coerce.number().min(0).default(0),
    /**
     * Where `session.run` executes. onnxruntime-node runs it synchronously, so a model whose single run
     * takes long (hundreds of milliseconds) stalls the HTTP thread and its health checks: `worker` moves
     * it to a worker thread. On this 2-core bench the hop cost 8% of batched CNN throughput, so `main` is the default.
     */
    SLIPWAY_INFERENCE_THREAD: z.enum(['main', 'worker']).default('main'),
    SLIPWAY_MAX_BODY_BYTES: z.coerce
      .number()
      .int()
      .positive()
      .default(16 * 1024 * 1024),
    /** Feature names from the version's manifest (JSON array), for `{"features": {…}}` requests. */
    SLIPWAY_FEATURE_NAMES: z
      .string()
      .optional()
      .transform((v) => (v ? z.array(z.string()).min(1).parse(JSON.parse(v)) : undefined)),
    /** One inference on zeros before listening, so the first caller does not pay onnxruntime's first-run cost. */
    SLIPWAY_WARM_UP: z.enum(['on', 'off']).default('on'),
    SLIPWAY_DRAIN_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
    /** Drift monitoring: set by the driver; without a variant (a replica started by hand) nothing is collected. */
    SLIPWAY_VARIANT_ID: z.string().uuid().optional(),
    SLIPWAY_REPLICA_ID: z.string().default(() => `replica-${process.pid}`),
    /** How often the replica hands its drift sketches to the worker; 0 turns collection off. */
    SLIPWAY_DRIFT_WINDOW_MS: z.coerce.number().int().nonnegative().default(10_000),
    /** Where drift windows go (a BullMQ queue under this prefix): the only platform service a replica talks to. */
    REDIS_URL: z.string().default('redis://127.0.0.1:6379'),
    SLIPWAY_PREFIX: z.string().default('slipway'),
  })
  .refine((env) => env.SLIPWAY_RUNTIME_KIND !== 'python' || (env.SLIPWAY_PREDICTOR !== undefined && env.SLIPWAY_SIGNATURE !== undefined), {
    message: 'a Python model needs SLIPWAY_PREDICTOR and SLIPWAY_SIGNATURE',
    path: ['SLIPWAY_PREDICTOR'],
  })
  .refine((env) => env.SLIPWAY_REPLICA_TOKEN !== undefined || isLoopback(env.HOST), {
    message: 'a replica listening beyond loopback needs SLIPWAY_REPLICA_TOKEN',
    path: ['SLIPWAY_REPLICA_TOKEN'],
  });

export type RuntimeEnv = z.infer<typeof runtimeEnvSchema>;

/** The header that carries SLIPWAY_REPLICA_TOKEN from the gateway to a replica. */
export const REPLICA_TOKEN_HEADER = 'x-slipway-replica-token';

/** Paths a replica answers without its token: the readiness and liveness probes, which reveal nothing. */
export const REPLICA_OPEN_PATHS: readonly string[] = ['/v2/health/live', '/v2/health/ready'];

/** Runtime settings an operator may set host-wide (in the worker's environment) for every replica. */
export const RUNTIME_TUNABLES = [
  'SLIPWAY_BATCHING',
  'SLIPWAY_MAX_BATCH_SIZE',
  'SLIPWAY_MAX_QUEUE_DELAY_MS',
  'SLIPWAY_INFERENCE_THREAD',
  'SLIPWAY_MAX_BODY_BYTES',
  'SLIPWAY_WARM_UP',
  'SLIPWAY_DRAIN_TIMEOUT_MS',
  'SLIPWAY_DRIFT_WINDOW_MS',
  'SLIPWAY_SANDBOX',
  'SLIPWAY_PREDICT_TIMEOUT_MS',
  'SLIPWAY_PYTHON_CONCURRENCY',
  // Drift windows are handed to the worker through Redis (see SLIPWAY_VARIANT_ID).
  'REDIS_URL',
  'SLIPWAY_PREFIX',
] as const satisfies readonly (keyof RuntimeEnv)[];

/**
 * What a process needs from its host to run at all (and onnxruntime to find CUDA), and the marker of
 * the test run that started it (SLIPWAY_TEST_RUN), by which the run finds and stops what outlives it.
 */
const SYSTEM_ENV = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'NODE_ENV', 'LD_LIBRARY_PATH', 'CUDA_VISIBLE_DEVICES', 'SLIPWAY_TEST_RUN'];

export interface RuntimeLaunch {
  port: number;
  host: string;
  /** The framed transport's port on `host`; absent: the runtime picks a free one. */
  framedPort?: number;
  modelPath: string;
  modelName: string;
  modelVersion: string;
  token?: string;
  /** The variant the replica serves: its drift windows are kept under it. */
  variantId?: string;
  featureNames?: readonly string[];
  intraOpThreads?: number;
  executionProvider?: 'cpu' | 'cuda';
  /** Where the driver fixes how long a replica may take to stop (a pod's termination grace period): over the host's tunable. */
  drainTimeoutMs?: number;
  /** A Python model: its predictor, declared signature and interpreter (SLIPWAY_MODEL_PATH is then its directory). */
  python?: { predictor: string; signature: ModelSignature; interpreter?: string; predictTimeoutMs?: number; concurrency?: number };
}

/**
 * A replica's runtime settings, for every driver: the host's runtime tunables (RUNTIME_TUNABLES, as an operator set
 * them on the worker) under the launch values. A process on this host gets them with SYSTEM_ENV (runtimeLaunchEnv);
 * a pod gets them as its container's env, so a tunable reaches every replica wherever it is placed.
 */
export function replicaRuntimeEnv(launch: RuntimeLaunch, hostEnv: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of RUNTIME_TUNABLES) {
    const value = hostEnv[name];
    if (value !== undefined) env[name] = value;
  }
  return Object.assign(env, {
    PORT: String(launch.port),
    HOST: launch.host,
    ...(launch.framedPort !== undefined && { SLIPWAY_FRAMED_PORT: String(launch.framedPort) }),
    SLIPWAY_MODEL_PATH: launch.modelPath,
    SLIPWAY_MODEL_NAME: launch.modelName,
    SLIPWAY_MODEL_VERSION: launch.modelVersion,
    ...(launch.token !== undefined && { SLIPWAY_REPLICA_TOKEN: launch.token }),
    ...(launch.variantId !== undefined && { SLIPWAY_VARIANT_ID: launch.variantId }),
    ...(launch.featureNames && { SLIPWAY_FEATURE_NAMES: JSON.stringify(launch.featureNames) }),
    ...(launch.intraOpThreads !== undefined && { SLIPWAY_INTRA_OP_THREADS: String(launch.intraOpThreads) }),
    ...(launch.executionProvider && { SLIPWAY_EXECUTION_PROVIDER: launch.executionProvider }),
    ...(launch.drainTimeoutMs !== undefined && { SLIPWAY_DRAIN_TIMEOUT_MS: String(launch.drainTimeoutMs) }),
    ...(launch.python && pythonLaunchEnv(launch.python)),
  });
}

/**
 * A replica process's whole environment on this host: what it needs from the host to run at all, and its runtime
 * settings (replicaRuntimeEnv). An allowlist, so the starter's secrets (database URL, storage keys, internal token)
 * never reach a model process.
 */
export function runtimeLaunchEnv(launch: RuntimeLaunch, hostEnv: NodeJS.ProcessEnv, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: Record<string, string> = {};
  for (const name of SYSTEM_ENV) {
    const value = hostEnv[name];
    if (value !== undefined) env[name] = value;
  }
  Object.assign(env, replicaRuntimeEnv(launch, hostEnv), extra);
  // Next.js's types declare NODE_ENV as always set; a replica's environment need not have it.
  return env as NodeJS.ProcessEnv;
}

function pythonLaunchEnv(python: NonNullable<RuntimeLaunch['python']>): Record<string, string> {
  return {
    SLIPWAY_RUNTIME_KIND: 'python',
    SLIPWAY_PREDICTOR: python.predictor,
    SLIPWAY_SIGNATURE: JSON.stringify(python.signature),
    ...(python.interpreter !== undefined && { SLIPWAY_PYTHON: python.interpreter }),
    ...(python.predictTimeoutMs !== undefined && { SLIPWAY_PREDICT_TIMEOUT_MS: String(python.predictTimeoutMs) }),
    ...(python.concurrency !== undefined && { SLIPWAY_PYTHON_CONCURRENCY: String(python.concurrency) }),
  };
}

/** Where a replica listens: HTTP for everyone, and the framed transport for its gateways. */
export interface ListeningPorts {
  port: number;
  framedPort?: number;
}

/** The structured log line a replica prints on stdout once it listens; starters read the ports from it. */
export function listeningLine(fields: ListeningPorts & Record<string, unknown>): string {
  return JSON.stringify({ msg: 'listening', ...fields });
}

/** The ports from a replica's stdout line, if the line is the `listening` one. */
/** The log message a replica prints on stdout when it exits on its own (its Python process stuck or dead), with `reason`. */
export const EXITING_MSG = 'replica exiting';

/** Why a replica said it exits, from one of its stdout lines; drivers report it as the exit's reason. */
export function parseExitingLine(line: string): string | undefined {
  if (!line.startsWith('{') || !line.includes(EXITING_MSG)) return undefined;
  try {
    const message = JSON.parse(line) as { msg?: unknown; reason?: unknown };
    return message.msg === EXITING_MSG && typeof message.reason === 'string' ? message.reason : undefined;
  } catch {
    return undefined;
  }
}

export function parseListeningLine(line: string): ListeningPorts | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const message = JSON.parse(line) as { msg?: unknown; port?: unknown; framedPort?: unknown };
    if (message.msg !== 'listening' || typeof message.port !== 'number') return undefined;
    return { port: message.port, ...(typeof message.framedPort === 'number' && { framedPort: message.framedPort }) };
  } catch {
    return undefined; // A log line that happens to start with a brace.
  }
}

/** The address recorded for a replica's framed listener (routing tables carry it next to the HTTP one). */
export function framedAddress(host: string, port: number): string {
  return `tcp://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
