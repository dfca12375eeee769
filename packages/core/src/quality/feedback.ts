import { z } from 'zod';
import { REQUEST_ID_PATTERN } from './request-id';

/** The most feedback items one call may carry. */
export const MAX_FEEDBACK_BATCH = 10_000;

/** Ground truth for one answer: a class label, or a number for regression. */
export const feedbackItemSchema = z.union([
  z.object({ requestId: z.string().regex(REQUEST_ID_PATTERN), label: z.union([z.string().min(1).max(256), z.number().int()]) }).strict(),
  z.object({ requestId: z.string().regex(REQUEST_ID_PATTERN), value: z.number().finite() }).strict(),
]);
export type FeedbackItem = z.infer<typeof feedbackItemSchema>;

/** `POST /models/<name>/feedback`: one item, or `{items: [...]}` of up to MAX_FEEDBACK_BATCH. */
export const feedbackBodySchema = z.union([feedbackItemSchema, z.object({ items: z.array(feedbackItemSchema).min(1).max(MAX_FEEDBACK_BATCH) }).strict()]);
export type FeedbackBody = z.infer<typeof feedbackBodySchema>;

export function feedbackItems(body: FeedbackBody): FeedbackItem[] {
  return 'items' in body ? body.items : [body];
}

/**
 * How a feedback call went: `joined` items matched an answer in the ledger (a repeat joins again and
 * changes nothing), `unknown` ones matched none, `expired` ones were for answers older than the ledger keeps.
 */
export interface FeedbackResult {
  received: number;
  joined: number;
  unknown: number;
  expired: number;
}

/** Sorts items the ledger did not hold into expired (a gateway id older than the retention) and unknown. */
export function classifyUnmatched(ids: readonly string[], idTime: (id: string) => number | null, oldestKeptMs: number): { unknown: number; expired: number } {
  let expired = 0;
  for (const id of ids) {
    const t = idTime(id);
    if (t !== null && t < oldestKeptMs) expired++;
  }
  return { unknown: ids.length - expired, expired };
}
