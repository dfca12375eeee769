import { randomFillSync } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { captureBody, REQUEST_ID_PATTERN, redact, requestIdAt, sampledForCapture, summarizeAnswer } from '@slipway/core';
import type { RoutedDeployment } from '@slipway/queue';
import type { CaptureWriter } from './capture-writer';
import type { LedgerWriter } from './ledger-writer';
import type { QualitySettingsCache } from './settings';

export const REQUEST_ID_HEADER = 'x-request-id';

/**
 * The id an answer carries (a model's, a service's): the caller's own `x-request-id` when it is a valid one, else a
 * fresh time-ordered one. The same id is in the replica's logs, the caller's answer and the predictions ledger.
 */
export function requestIdOf(headers: IncomingHttpHeaders): string {
  const given = headers[REQUEST_ID_HEADER];
  if (typeof given === 'string' && REQUEST_ID_PATTERN.test(given)) return given;
  return requestIdAt(Date.now(), randomFillSync(new Uint8Array(10)));
}

export interface AnsweredRequest {
  requestId: string;
  deployment: RoutedDeployment;
  variant: { id: string; name: string; versionId?: string };
  status: number;
  latencyMs: number;
  body: Buffer;
  /** The whole answer, or null when it streamed past the buffering size. */
  answer: Buffer | null;
}

/**
 * What the quality features keep of an answered request: its prediction in the ledger (every successful answer)
 * and, for the sampled share, the request and answer (redacted, size-capped) in the capture files.
 */
export class QualityRecorder {
  constructor(private readonly deps: { settings: QualitySettingsCache; ledger: LedgerWriter; capture: CaptureWriter | undefined; random?: () => number }) {}

  answered(a: AnsweredRequest): void {
    const settings = this.deps.settings.get(a.deployment.id);
    const now = Date.now();
    const captured = this.deps.capture !== undefined && sampledForCapture(settings.capturePercent, (this.deps.random ?? Math.random)());
    if (a.status >= 400 && !captured) return;
    const answer =
      a.answer && a.answer.length <= settings.captureMaxBytes ? captureBody(a.answer, settings.captureMaxBytes) : { value: null, truncated: a.answer !== null };
    if (a.status < 400 && answer.value !== null) {
      const summary = summarizeAnswer(answer.value);
      this.deps.ledger.add({ deploymentId: a.deployment.id, requestId: a.requestId, variantId: a.variant.id, ...summary, answeredAt: new Date(now) });
    }
    if (!captured) return;
    const request = captureBody(a.body, settings.captureMaxBytes);
    this.deps.capture!.add(
      a.deployment.id,
      {
        requestId: a.requestId,
        time: new Date(now).toISOString(),
        deployment: a.deployment.name,
        variant: a.variant.name,
        versionId: a.variant.versionId ?? null,
        status: a.status,
        latencyMs: Math.round(a.latencyMs * 1000) / 1000,
        request: redact(request.value, settings.redact),
        answer: redact(answer.value, settings.redact),
        ...((request.truncated || answer.truncated) && { truncated: true as const }),
      },
      now,
    );
  }
}
