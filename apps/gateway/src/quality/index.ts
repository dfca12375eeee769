import type { Db } from '@slipway/db';
import type { BlobStore } from '@slipway/storage';
import type { ApiKeyCache } from '../api-keys';
import type { RelayedAnswer } from '../response';
import { CaptureWriter } from './capture-writer';
import { feedbackRoute } from './feedback-route';
import { LedgerWriter } from './ledger-writer';
import { QualityRecorder } from './recorder';
import { QualitySettingsCache } from './settings';

export interface QualityOptions {
  db: Db;
  keys: Pick<ApiKeyCache, 'cached' | 'authenticate'>;
  /** Where captures go; without one, nothing is captured (the ledger still runs). */
  blobs?: BlobStore;
  settingsRefreshMs?: number;
  ledgerFlushMs?: number;
  captureFlushMs?: number;
  captureBatchBytes?: number;
  captureMaxBufferedBytes?: number;
  maxBodyBytes: number;
  /** false: no ledger, no capture (answers still carry x-request-id; feedback still records). */
  enabled?: boolean;
}

/** The gateway's quality parts: settings, the ledger and capture writers, the hook on answers and the feedback route. */
export async function startQuality(options: QualityOptions) {
  const settings = new QualitySettingsCache(options.db);
  await settings.start(options.settingsRefreshMs ?? 5_000);
  const ledger = new LedgerWriter(options.db, { flushMs: options.ledgerFlushMs ?? 1_000, maxPending: 100_000 });
  ledger.start();
  const capture = options.blobs
    ? new CaptureWriter(
        { db: options.db, blobs: options.blobs },
        {
          flushMs: options.captureFlushMs ?? 10_000,
          batchBytes: options.captureBatchBytes ?? 1024 * 1024,
          maxBufferedBytes: options.captureMaxBufferedBytes ?? 32 * 1024 * 1024,
        },
      )
    : undefined;
  capture?.start();
  const recorder = new QualityRecorder({ settings, ledger, capture });
  return {
    settings,
    ledger,
    capture,
    route: feedbackRoute({ db: options.db, keys: options.keys, settings, ledger, maxBodyBytes: options.maxBodyBytes }),
    onAnswer:
      options.enabled === false
        ? undefined
        : ({ call, target, status, requestId, output }: RelayedAnswer) =>
            recorder.answered({
              requestId,
              deployment: call.deployment,
              variant: target.variant,
              status,
              latencyMs: call.accounting.elapsedMs(),
              body: call.body,
              answer: output,
            }),
    metricLines: () => qualityMetricLines(ledger, capture),
    async close() {
      settings.stop();
      await ledger.close();
      await capture?.close();
    },
  };
}
export type Quality = Awaited<ReturnType<typeof startQuality>>;

function qualityMetricLines(ledger: LedgerWriter, capture: CaptureWriter | undefined): string[] {
  const lines = [
    '# HELP slipway_gateway_ledger_rows_total Predictions ledger rows, by outcome (written, or dropped while the database lagged).',
    '# TYPE slipway_gateway_ledger_rows_total counter',
    `slipway_gateway_ledger_rows_total{outcome="written"} ${ledger.written}`,
    `slipway_gateway_ledger_rows_total{outcome="dropped"} ${ledger.dropped}`,
  ];
  if (!capture) return lines;
  lines.push(
    '# HELP slipway_gateway_captures_total Captured request/answer pairs, by outcome (written to the blob store, or dropped at the memory bound).',
    '# TYPE slipway_gateway_captures_total counter',
    `slipway_gateway_captures_total{outcome="written"} ${capture.written}`,
    `slipway_gateway_captures_total{outcome="dropped"} ${capture.dropped}`,
    '# HELP slipway_gateway_capture_buffered_bytes Captured lines waiting for or in a write to the blob store (and the most ever).',
    '# TYPE slipway_gateway_capture_buffered_bytes gauge',
    `slipway_gateway_capture_buffered_bytes ${capture.bufferedBytes}`,
    `slipway_gateway_capture_buffered_bytes_peak ${capture.peakBufferedBytes}`,
  );
  return lines;
}
