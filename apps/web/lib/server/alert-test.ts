import { deliveryFailure, slackPayload } from '@slipway/core';

const TEST_TIMEOUT_MS = 10_000;

/** What a test post to a rule's webhook gave: delivered, or why not in words (status, DNS, refused, timeout). */
export interface AlertTestResult {
  delivered: boolean;
  message: string;
}

/**
 * Posts a clearly marked test notification to the webhook, as a real event would be posted, and says how it went.
 * Nothing is recorded in the history: a test is not an alert.
 */
export async function sendTestNotification(
  url: string,
  rule: { id: string; kind: string; threshold: number | null },
  deployment: string,
  now: Date,
  fetchImpl: typeof fetch = fetch,
): Promise<AlertTestResult> {
  const body = slackPayload({
    deployment,
    ruleId: rule.id,
    kind: rule.kind,
    state: 'fired',
    value: 0,
    threshold: rule.threshold,
    message: 'test notification sent from the Slipway console; nothing is wrong',
    at: now.toISOString(),
  });
  try {
    const response = await fetchImpl(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(TEST_TIMEOUT_MS),
    });
    if (!response.ok) return { delivered: false, message: deliveryFailure(url, response, TEST_TIMEOUT_MS) };
    return { delivered: true, message: `delivered: the webhook answered HTTP ${response.status}` };
  } catch (error) {
    return { delivered: false, message: deliveryFailure(url, error as Error, TEST_TIMEOUT_MS) };
  }
}
