import { type CaptureRecord, compareAccuracy, qualitySettingsSchema, REQUEST_ID_PATTERN } from '@slipway/core';
import { accuracySince, loadQualityReport } from '@slipway/db';
import { concatenateBlobs, readJsonLines } from '@slipway/storage';
import { Readable } from 'node:stream';
import { z } from 'zod';
import { serverContext } from './context';
import { ApiError } from './errors';
import { PATH_PARAMS } from './path-params';

/** Quality settings as PUT takes them (every field, defaults for those left out) and GET answers them. */
export const qualitySettingsBody = qualitySettingsSchema;

export const qualityQuery = z.object({
  minutes: z.coerce
    .number()
    .int()
    .min(5)
    .max(90 * 24 * 60)
    .default(24 * 60),
});

const DAY_MS = 24 * 60 * 60_000;
const isoTime = z.iso.datetime({ offset: true });

export const capturesQuery = z.object({
  from: isoTime.optional(),
  to: isoTime.optional(),
  variant: z.string().min(1).max(100).optional(),
  /** `success` (< 400), `error` (≥ 400), or one status code. */
  status: z.union([z.enum(['success', 'error']), z.coerce.number().int().min(100).max(599)]).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export const captureParams = z.object({ name: PATH_PARAMS.name, requestId: z.string().regex(REQUEST_ID_PATTERN, 'is not a request id') });
export const captureQuery = z.object({ at: isoTime });

export const captureDownloadQuery = z
  .object({ from: isoTime, to: isoTime })
  .refine((q) => Date.parse(q.from) < Date.parse(q.to), { message: "'from' must be before 'to'", path: ['to'] })
  .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= 31 * DAY_MS, { message: 'a download covers at most 31 days', path: ['to'] });

export async function getQualitySettings(deploymentId: string) {
  const row = await serverContext().db.qualitySettings.findUnique({ where: { deploymentId } });
  return qualitySettingsSchema.parse(row ? { ...row, redactFields: row.redactFields } : {});
}

export async function putQualitySettings(deploymentId: string, settings: z.infer<typeof qualitySettingsBody>) {
  const row = await serverContext().db.qualitySettings.upsert({ where: { deploymentId }, create: { deploymentId, ...settings }, update: settings });
  return qualitySettingsSchema.parse(row);
}

/** Quality per variant over the window, and each candidate's accuracy against the primary with the always-valid test. */
export async function deploymentQuality(deploymentId: string, minutes: number) {
  const { db } = serverContext();
  const to = new Date();
  const from = new Date(to.getTime() - minutes * 60_000);
  const bucketMs = Math.max(60_000, Math.ceil((minutes * 60_000) / 60 / 60_000) * 60_000);
  const variants = await loadQualityReport(db, deploymentId, { from, to, bucketMs });
  const baseline = variants.find((v) => v.variant.role === 'primary') ?? variants[0];
  const comparisons = [];
  if (baseline) {
    const base = await accuracySince(db, [baseline.variant.id], from);
    for (const v of variants) {
      if (v === baseline || v.variant.role === 'shadow') continue;
      comparisons.push({ baselineId: baseline.variant.id, candidateId: v.variant.id, ...compareAccuracy(base, await accuracySince(db, [v.variant.id], from)) });
    }
  }
  return { window: { minutes, from: from.toISOString(), to: to.toISOString(), bucketMs }, variants, comparisons };
}

const MAX_BATCHES_READ = 200;

/** The newest captures in a window matching the filters (without their bodies), newest first. */
export async function listCaptures(deploymentId: string, q: z.infer<typeof capturesQuery>) {
  const { db, store } = serverContext();
  const to = q.to ? new Date(q.to) : new Date();
  const from = q.from ? new Date(q.from) : new Date(to.getTime() - DAY_MS);
  const batches = await db.captureBatch.findMany({
    where: { deploymentId, firstAt: { lte: to }, lastAt: { gte: from } },
    orderBy: { lastAt: 'desc' },
    take: MAX_BATCHES_READ,
  });
  const matches = (r: CaptureRecord) => {
    const t = Date.parse(r.time);
    if (t < from.getTime() || t > to.getTime()) return false;
    if (q.variant && r.variant !== q.variant) return false;
    if (q.status === 'success') return r.status < 400;
    if (q.status === 'error') return r.status >= 400;
    return q.status === undefined || r.status === q.status;
  };
  const captures: Omit<CaptureRecord, 'request' | 'answer'>[] = [];
  for (const batch of batches) {
    const inBatch: CaptureRecord[] = [];
    for await (const r of readJsonLines(store, [batch.digest])) if (matches(r as CaptureRecord)) inBatch.push(r as CaptureRecord);
    for (const { request: _r, answer: _a, ...summary } of inBatch.reverse()) captures.push(summary);
    if (captures.length >= q.limit) break;
  }
  captures.sort((a, b) => Date.parse(b.time) - Date.parse(a.time));
  return { window: { from: from.toISOString(), to: to.toISOString() }, captures: captures.slice(0, q.limit) };
}

/** One capture with its request and answer, found in the hour of `at`. */
export async function getCapture(deploymentId: string, requestId: string, at: string) {
  const { db, store } = serverContext();
  const hourStart = new Date(Math.floor(Date.parse(at) / 3_600_000) * 3_600_000);
  const batches = await db.captureBatch.findMany({ where: { deploymentId, hour: hourStart }, orderBy: { firstAt: 'asc' } });
  for await (const r of readJsonLines(
    store,
    batches.map((b) => b.digest),
  )) {
    if ((r as CaptureRecord).requestId === requestId) return { capture: r as CaptureRecord };
  }
  throw new ApiError('not_found', `no capture of request '${requestId}' in the hour of ${hourStart.toISOString()}`);
}

/** The captures of a time range as one gzip JSON Lines file (whole hours' batches that overlap it). */
export async function downloadCaptures(deploymentId: string, deploymentName: string, from: string, to: string): Promise<Response> {
  const { db, store } = serverContext();
  const batches = await db.captureBatch.findMany({
    where: { deploymentId, firstAt: { lt: new Date(to) }, lastAt: { gte: new Date(from) } },
    orderBy: { firstAt: 'asc' },
    select: { digest: true },
  });
  const body = Readable.toWeb(
    concatenateBlobs(
      store,
      batches.map((b) => b.digest),
    ),
  ) as ReadableStream<Uint8Array>;
  const filename = `${deploymentName}-captures-${from.slice(0, 13)}-${to.slice(0, 13)}.jsonl.gz`.replace(/:/g, '');
  return new Response(body, {
    headers: { 'content-type': 'application/gzip', 'content-disposition': `attachment; filename="${filename}"`, 'x-capture-batches': String(batches.length) },
  });
}
