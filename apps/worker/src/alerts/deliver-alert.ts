import { deliveryFailure, slackPayload } from '@slipway/core';
import type { Db } from '@slipway/db';

const WEBHOOK_TIMEOUT_MS = 10_000;

/** The webhook answered, with a status that is not a success. */
class WebhookRefusal extends Error {}

/**
 * Posts one alert event to its rule's webhook. A failure is written to the event (so the history shows it) and
 * thrown, for BullMQ to retry with backoff; `markDeliveryFailed` records the last attempt's failure.
 */
export async function deliverAlert(db: Db, eventId: string, fetchImpl: typeof fetch = fetch): Promise<void> {
  const event = await db.alertEvent.findUnique({
    where: { id: eventId },
    include: { rule: { select: { webhookUrl: true } }, deployment: { select: { name: true } } },
  });
  // Delivered already (a duplicate job), or the rule and its webhook were deleted since: nothing to send.
  if (!event || event.delivery === 'delivered') return;
  const url = event.rule?.webhookUrl;
  if (!url) {
    await db.alertEvent.update({ where: { id: eventId }, data: { delivery: 'failed', deliveryError: 'the rule or its webhook was removed' } });
    return;
  }
  const body = slackPayload({
    deployment: event.deployment.name,
    ruleId: event.ruleId ?? '',
    kind: event.kind,
    state: event.state === 'fired' ? 'fired' : 'resolved',
    value: event.value,
    threshold: event.threshold,
    message: event.message,
    at: event.at.toISOString(),
  });
  const attempts = event.deliveryAttempts + 1;
  try {
    const response = await fetchImpl(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
    });
    if (!response.ok) throw new WebhookRefusal(deliveryFailure(url, response, WEBHOOK_TIMEOUT_MS));
  } catch (error) {
    const message = error instanceof WebhookRefusal ? error.message : deliveryFailure(url, error as Error, WEBHOOK_TIMEOUT_MS);
    await db.alertEvent.update({ where: { id: eventId }, data: { delivery: 'retrying', deliveryAttempts: attempts, deliveryError: message } });
    throw error;
  }
  await db.alertEvent.update({ where: { id: eventId }, data: { delivery: 'delivered', deliveryAttempts: attempts, deliveredAt: new Date() } });
}

/** The job ran out of attempts: the history says the webhook failed, with the last error already recorded. */
export async function markDeliveryFailed(db: Db, eventId: string): Promise<void> {
  await db.alertEvent.updateMany({ where: { id: eventId, delivery: { not: 'delivered' } }, data: { delivery: 'failed' } });
}
