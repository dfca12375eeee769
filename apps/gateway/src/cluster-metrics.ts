import cluster, { type Worker } from 'node:cluster';

/**
 * Sums Prometheus text expositions sample by sample (same name and labels): counters, in-flight gauges and
 * histogram buckets of several processes add up to the host's. Comment lines are kept once, in order.
 */
export function sumExpositions(texts: readonly string[]): string {
  const order: string[] = [];
  const comments = new Set<string>();
  const sums = new Map<string, number>();
  for (const text of texts) {
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      if (line.startsWith('#')) {
        if (!comments.has(line)) order.push(line);
        comments.add(line);
        continue;
      }
      const space = line.lastIndexOf(' ');
      const series = line.slice(0, space);
      if (!sums.has(series)) order.push(series);
      sums.set(series, (sums.get(series) ?? 0) + Number(line.slice(space + 1)));
    }
  }
  return `${order.map((entry) => (sums.has(entry) ? `${entry} ${sums.get(entry)}` : entry)).join('\n')}\n`;
}

interface MetricsMessage {
  slipway: 'metrics-request' | 'metrics-render' | 'metrics-text' | 'metrics-result';
  id: string;
  text?: string;
}

const isMetricsMessage = (message: unknown): message is MetricsMessage =>
  typeof message === 'object' && message !== null && typeof (message as MetricsMessage).slipway === 'string';

/** A process that does not answer within this long is left out of the sum rather than failing the scrape. */
const GATHER_TIMEOUT_MS = 1_000;

/** In the primary: answers a process's request for the host's metrics with every live process's, summed. */
export function gatherMetricsInPrimary(): void {
  const waiting = new Map<string, { texts: string[]; left: number; done: () => void }>();
  cluster.on('message', (worker: Worker, message: unknown) => {
    if (!isMetricsMessage(message)) return;
    if (message.slipway === 'metrics-text') {
      const gathering = waiting.get(message.id);
      if (!gathering) return;
      gathering.texts.push(message.text ?? '');
      if (--gathering.left === 0) gathering.done();
      return;
    }
    if (message.slipway !== 'metrics-request') return;
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w?.isConnected());
    const texts: string[] = [];
    const finish = () => {
      clearTimeout(timer);
      waiting.delete(message.id);
      if (worker.isConnected()) worker.send({ slipway: 'metrics-result', id: message.id, text: sumExpositions(texts) } satisfies MetricsMessage);
    };
    const timer = setTimeout(finish, GATHER_TIMEOUT_MS);
    waiting.set(message.id, { texts, left: workers.length, done: finish });
    for (const each of workers) each.send({ slipway: 'metrics-render', id: message.id } satisfies MetricsMessage);
  });
}

/**
 * In a gateway process of a cluster: renders this process's metrics when the primary asks, and returns the
 * function `/metrics` uses to answer with the whole host's.
 */
export function clusterMetrics(renderLocal: () => string): () => Promise<string> {
  const pending = new Map<string, (text: string) => void>();
  let next = 0;
  process.on('message', (message: unknown) => {
    if (!isMetricsMessage(message)) return;
    if (message.slipway === 'metrics-render') process.send?.({ slipway: 'metrics-text', id: message.id, text: renderLocal() } satisfies MetricsMessage);
    if (message.slipway === 'metrics-result') pending.get(message.id)?.(message.text ?? '');
  });
  return () =>
    new Promise((resolve) => {
      const id = `${process.pid}-${next++}`;
      pending.set(id, (text) => {
        pending.delete(id);
        resolve(text);
      });
      process.send?.({ slipway: 'metrics-request', id } satisfies MetricsMessage);
    });
}
