import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ReplicaLogWriter } from '@slipway/storage';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileLogSource, followLogs, type LogEvent, type LogReplica, logEventStream, readLogs } from './replica-logs';

const replica = (id: string, endedAt: string | null = null): LogReplica => ({
  id,
  variant: 'primary',
  versionLabel: 1,
  state: endedAt ? 'stopped' : 'ready',
  reason: null,
  startedAt: '2026-12-07T10:00:00.000Z',
  endedAt,
});

describe('reading and following replica logs from the local driver files', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'web-replica-logs-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  async function print(id: string, lines: string[], at?: Date) {
    const writer = new ReplicaLogWriter(dir, id);
    for (const line of lines) writer.write('stdout', line, at);
    await writer.close();
  }

  it("reads a stopped replica's last lines with a running one's, filtered by text and tail", async () => {
    const [stopped, running] = [randomUUID(), randomUUID()];
    await print(stopped, ['Traceback (most recent call last):', 'ValueError: bad row'], new Date('2026-12-07T10:00:00.000Z'));
    await print(running, ['loaded', 'predicting 2 rows'], new Date('2026-12-07T10:00:01.000Z'));
    const replicas = [replica(stopped, '2026-12-07T10:00:05.000Z'), replica(running)];
    const all = await readLogs(fileLogSource(dir), replicas, { tail: 3 });
    expect(all.map((l) => l.text)).toEqual(['ValueError: bad row', 'loaded', 'predicting 2 rows']);
    const errors = await readLogs(fileLogSource(dir), replicas, { search: 'valueerror', tail: 100 });
    expect(errors).toEqual([expect.objectContaining({ replicaId: stopped, stream: 'stdout', text: 'ValueError: bad row' })]);
  });

  it('follows: the tail first, then each new line, a replica that starts later included, until aborted', async () => {
    const [first, later] = [randomUUID(), randomUUID()];
    await print(first, ['old 1', 'old 2', 'old 3']);
    const listed = [replica(first)];
    const abort = new AbortController();
    const events = followLogs({
      source: fileLogSource(dir),
      listReplicas: async () => [...listed],
      query: { tail: 2 },
      signal: abort.signal,
      pollMs: 20,
      rescanMs: 20,
    });
    const seen: LogEvent[] = [];
    const next = async () => {
      const { value } = await events.next();
      seen.push(value as LogEvent);
      return value as LogEvent;
    };
    expect(await next()).toEqual({ kind: 'replicas', replicas: listed });
    expect((await next()) as { line: { text: string } }).toMatchObject({ line: { text: 'old 2' } });
    expect((await next()) as { line: { text: string } }).toMatchObject({ line: { text: 'old 3' } });
    await print(first, ['new on first']);
    expect(await next()).toMatchObject({ kind: 'line', line: { replicaId: first, text: 'new on first' } });
    listed.push(replica(later));
    await print(later, ['hello from the new replica']);
    expect(await next()).toMatchObject({ kind: 'replicas' });
    expect(await next()).toMatchObject({ kind: 'line', line: { replicaId: later, text: 'hello from the new replica' } });
    abort.abort();
    expect((await events.next()).done).toBe(true);
  });

  it('streams server-sent events with each line time as its id, and stops when the client goes', async () => {
    const id = randomUUID();
    await print(id, ['ready to serve'], new Date('2026-12-07T10:00:00.000Z'));
    const client = new AbortController();
    const response = logEventStream(
      (signal) => followLogs({ source: fileLogSource(dir), listReplicas: async () => [replica(id)], query: { tail: 10 }, signal, pollMs: 20 }),
      client.signal,
    );
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = response.body!.getReader();
    let text = '';
    while (!text.includes('ready to serve')) text += new TextDecoder().decode((await reader.read()).value);
    expect(text).toContain('event: replicas\n');
    expect(text).toContain('id: 2026-12-07T10:00:00.000Z\nevent: line\ndata: {');
    client.abort();
    await reader.cancel();
  });
});
