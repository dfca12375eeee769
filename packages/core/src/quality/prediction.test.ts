import { describe, expect, it } from 'vitest';
import { captureBody, hourOf, redact, sampledForCapture } from './capture';
import { summarizeAnswer } from './prediction';
import { requestIdAt, requestIdTime } from './request-id';
import { classifyUnmatched, feedbackBodySchema, MAX_FEEDBACK_BATCH } from './feedback';

describe('summarizeAnswer', () => {
  it('reads label and confidence from each protocol', () => {
    expect(summarizeAnswer({ outputs: { label: [2], probabilities: [[0.1, 0.2, 0.7]] } })).toEqual({ label: '2', value: null, confidence: 0.7 });
    expect(
      summarizeAnswer({
        outputs: [
          { name: 'output_label', data: [1] },
          { name: 'output_probability', data: [0.3, 0.7] },
        ],
      }),
    ).toEqual({
      label: '1',
      value: null,
      confidence: 0.7,
    });
    expect(summarizeAnswer({ outputs: { probabilities: [[0.2, 0.8]] } })).toEqual({ label: '1', value: null, confidence: 0.8 });
    expect(summarizeAnswer({ predictions: [3.5] })).toEqual({ label: null, value: 3.5, confidence: null });
    expect(summarizeAnswer('nonsense')).toEqual({ label: null, value: null, confidence: null });
  });
});

describe('capture helpers', () => {
  it('removes redacted fields at any depth', () => {
    const request = { inputs: { age: [3], ssn: ['x'] }, rows: [{ ssn: 1, income: 2 }], meta: null };
    expect(redact(request, new Set(['ssn']))).toEqual({ inputs: { age: [3] }, rows: [{ income: 2 }], meta: null });
  });
  it('samples the given percentage and caps bodies', () => {
    expect(sampledForCapture(0, 0)).toBe(false);
    expect(sampledForCapture(10, 0.099)).toBe(true);
    expect(sampledForCapture(10, 0.1)).toBe(false);
    expect(sampledForCapture(100, 0.999)).toBe(true);
    expect(captureBody(Buffer.from('{"a":1}'), 256)).toEqual({ value: { a: 1 }, truncated: false });
    expect(captureBody(Buffer.alloc(300, 32), 256)).toEqual({ value: null, truncated: true });
    expect(hourOf(Date.UTC(2026, 0, 1, 5, 59, 59))).toBe(Date.UTC(2026, 0, 1, 5));
  });
});

describe('request ids and feedback', () => {
  it('keeps the time in a gateway request id', () => {
    const t = Date.UTC(2026, 11, 7, 12, 0, 0, 123);
    const id = requestIdAt(t, new Uint8Array(10).fill(255));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(requestIdTime(id)).toBe(t);
    expect(requestIdTime('my-own-id-42')).toBeNull();
  });
  it('accepts one item or a batch up to the limit, and tells expired from unknown', () => {
    expect(feedbackBodySchema.safeParse({ requestId: 'a', label: 'cat' }).success).toBe(true);
    expect(feedbackBodySchema.safeParse({ requestId: 'a', value: 2.5 }).success).toBe(true);
    expect(feedbackBodySchema.safeParse({ requestId: 'a', label: 'cat', value: 1 }).success).toBe(false);
    const many = Array.from({ length: MAX_FEEDBACK_BATCH + 1 }, (_, i) => ({ requestId: `r${i}`, label: 1 }));
    expect(feedbackBodySchema.safeParse({ items: many }).success).toBe(false);
    expect(feedbackBodySchema.safeParse({ items: many.slice(1) }).success).toBe(true);
    const old = requestIdAt(1_000, new Uint8Array(10));
    const recent = requestIdAt(5_000, new Uint8Array(10));
    expect(classifyUnmatched([old, recent, 'theirs'], requestIdTime, 2_000)).toEqual({ unknown: 2, expired: 1 });
  });
});
