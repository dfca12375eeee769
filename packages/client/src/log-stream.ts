import type { LogReplica, ReplicaLogLine } from '@slipway/core';

export type { LogReplica, ReplicaLogLine } from '@slipway/core';

/** What following a deployment's logs yields: the replica list when it changes, and each new line. */
export type LogStreamEvent = { kind: 'replicas'; replicas: LogReplica[] } | { kind: 'line'; line: ReplicaLogLine } | { kind: 'failure'; message: string };

export interface LogsOptions {
  replica?: string;
  search?: string;
  /** ISO 8601 time. */
  since?: string;
  tail?: number;
}

export function logsQuery(options: LogsOptions & { follow?: boolean }): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(options)) if (value !== undefined && value !== '') query.set(key, String(value));
  const text = query.toString();
  return text ? `?${text}` : '';
}

/** Server-sent events (the `event:`, `data:` and `id:` fields) from a response body, one per blank-line-terminated block. */
export async function* serverSentEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<{ event: string; data: string; id?: string }> {
  const decoder = new TextDecoder();
  const reader = body.getReader();
  let buffer = '';
  try {
    while (true) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        end = buffer.indexOf('\n\n');
        const fields = { event: 'message', data: [] as string[], id: undefined as string | undefined };
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) continue;
          const colon = line.indexOf(':');
          const [name, raw] = colon < 0 ? [line, ''] : [line.slice(0, colon), line.slice(colon + 1).replace(/^ /, '')];
          if (name === 'event') fields.event = raw;
          else if (name === 'data') fields.data.push(raw);
          else if (name === 'id') fields.id = raw;
        }
        if (fields.data.length) yield { event: fields.event, data: fields.data.join('\n'), ...(fields.id !== undefined && { id: fields.id }) };
      }
    }
  } finally {
    reader.releaseLock();
  }
}

/** The log events of a follow response. */
export async function* logStreamEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<LogStreamEvent> {
  for await (const { event, data } of serverSentEvents(body)) {
    if (event === 'replicas') yield { kind: 'replicas', replicas: JSON.parse(data) as LogReplica[] };
    else if (event === 'line') yield { kind: 'line', line: JSON.parse(data) as ReplicaLogLine };
    else if (event === 'failure') yield { kind: 'failure', message: (JSON.parse(data) as { message: string }).message };
  }
}
