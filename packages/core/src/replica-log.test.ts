import { describe, expect, it } from 'vitest';
import { boundLine, makeRedactor, MAX_LOG_LINE_CHARS, parseLogRecord, presentLogText, type ReplicaLogLine, selectLogLines } from './replica-log';

const line = (replicaId: string, time: string, text: string): ReplicaLogLine => ({ replicaId, time, stream: 'stdout', text });

describe('replica log records', () => {
  it('masks the given secrets and anything shaped like a credential, and leaves ordinary text alone', () => {
    const redact = makeRedactor(['s3cr3t-token-value', 'abc']);
    expect(redact('calling with s3cr3t-token-value now')).toBe('calling with [redacted] now');
    expect(redact('Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.x.y')).toBe('Authorization: Bearer [redacted]');
    expect(redact('{"password":"hunter2","user":"ann"}')).toBe('{"password":"[redacted]","user":"ann"}');
    expect(redact('API_KEY=sk-12345 rest')).toBe('API_KEY=[redacted] rest');
    expect(redact('postgres://app:pa55word@db:5432/x')).toBe('postgres://app:[redacted]@db:5432/x');
    // Too short to search for: masking "abc" would mangle ordinary words.
    expect(redact('abcdef predicted 3 rows')).toBe('abcdef predicted 3 rows');
  });

  it('shows a predictor print as printed and a runtime record as its message and fields', () => {
    expect(presentLogText('{"level":30,"time":1,"process":"runtime","msg":"python","stream":"stdout","line":"predicting 3 rows"}')).toBe('predicting 3 rows');
    expect(presentLogText('{"level":40,"time":1,"msg":"draining","signal":"SIGTERM"}')).toBe('WARN draining signal=SIGTERM');
    expect(presentLogText('plain text {')).toBe('plain text {');
  });

  it('cuts an over-long line and says so; reads back only whole records', () => {
    expect(boundLine('x'.repeat(MAX_LOG_LINE_CHARS + 5))).toMatch(/… \[cut, 8197 characters\]$/);
    expect(parseLogRecord('{"t":"2026-12-07T00:00:00.000Z","s":"stderr","l":"boom"}')).toEqual({ t: '2026-12-07T00:00:00.000Z', s: 'stderr', l: 'boom' });
    expect(parseLogRecord('{"t":"2026-12-07T00:00:00.000Z","s":"std')).toBeUndefined();
  });

  it('merges replicas by time, filters by text and time, then keeps the newest N', () => {
    const a = [line('a', '2026-12-07T10:00:00.000Z', 'loaded'), line('a', '2026-12-07T10:00:02.000Z', 'Predicting 1 row')];
    const b = [line('b', '2026-12-07T10:00:01.000Z', 'predicting 2 rows'), line('b', '2026-12-07T10:00:03.000Z', 'draining')];
    expect(selectLogLines([a, b], {}).map((l) => l.text)).toEqual(['loaded', 'predicting 2 rows', 'Predicting 1 row', 'draining']);
    expect(selectLogLines([a, b], { search: 'PREDICTING' }).map((l) => l.replicaId)).toEqual(['b', 'a']);
    expect(selectLogLines([a, b], { since: new Date('2026-12-07T10:00:02.000Z'), tail: 1 }).map((l) => l.text)).toEqual(['draining']);
  });
});
