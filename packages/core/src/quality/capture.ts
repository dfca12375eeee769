import { z } from 'zod';

/**
 * Per-deployment quality settings: request/answer capture (sampled, size-capped, redacted, kept for
 * `captureRetentionDays`) and the predictions ledger (every answer's id, variant and prediction, kept for
 * `ledgerRetentionDays` even at 0 % capture, so feedback can be joined to it).
 */
export const qualitySettingsSchema = z.object({
  capturePercent: z.number().min(0).max(100).default(0),
  /** Requests (or answers) larger than this are captured without their body (`truncated: true`). */
  captureMaxBytes: z
    .number()
    .int()
    .min(256)
    .max(4 * 1024 * 1024)
    .default(64 * 1024),
  /** Field names removed wherever they appear in a captured request or answer (any depth). */
  redactFields: z.array(z.string().min(1).max(128)).max(100).default([]),
  captureRetentionDays: z.number().int().min(1).max(3650).default(30),
  ledgerRetentionDays: z.number().int().min(1).max(3650).default(90),
});
export type QualitySettings = z.infer<typeof qualitySettingsSchema>;
export const DEFAULT_QUALITY_SETTINGS: QualitySettings = qualitySettingsSchema.parse({});

/** One captured request and its answer, one JSON line in an hourly gzip file. */
export interface CaptureRecord {
  requestId: string;
  /** ISO time the answer was sent. */
  time: string;
  deployment: string;
  variant: string;
  versionId: string | null;
  status: number;
  latencyMs: number;
  /** The request body as JSON (null when it was not JSON or over the size cap). */
  request: unknown;
  answer: unknown;
  /** Set when a body over `captureMaxBytes` (or not JSON) was left out. */
  truncated?: true;
}

/** Whether this request is captured: `unit` is uniform in [0, 1). */
export function sampledForCapture(percent: number, unit: number): boolean {
  return percent > 0 && unit * 100 < percent;
}

/** A copy of `value` without the redacted keys, at any depth (arrays are walked). */
export function redact(value: unknown, fields: ReadonlySet<string>): unknown {
  if (fields.size === 0 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => redact(item, fields));
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) if (!fields.has(key)) out[key] = redact(inner, fields);
  return out;
}

/** The start of the UTC hour holding `ms`: the key of the capture file a record goes into. */
export function hourOf(ms: number): number {
  return Math.floor(ms / 3_600_000) * 3_600_000;
}

/** A body as JSON, or null with `truncated` when it is too large or not JSON. */
export function captureBody(body: Buffer | null, maxBytes: number): { value: unknown; truncated: boolean } {
  if (body === null || body.length === 0) return { value: null, truncated: false };
  if (body.length > maxBytes) return { value: null, truncated: true };
  try {
    return { value: JSON.parse(body.toString('utf8')), truncated: false };
  } catch {
    return { value: null, truncated: true };
  }
}
