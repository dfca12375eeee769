import type { TensorData } from '@slipway/core';
import type { Feeds, ModelRunner, Outputs } from './runner';

export interface Inferencer {
  infer(feeds: Feeds): Promise<Outputs>;
  /** Requests waiting for a batch slot. */
  queueDepth(): number;
}

export interface BatchObserver {
  onBatch(size: number): void;
}

/** Runs each request on its own `run`. */
export class DirectInferencer implements Inferencer {
  constructor(
    private readonly model: ModelRunner,
    private readonly observer: BatchObserver,
  ) {}

  infer(feeds: Feeds): Promise<Outputs> {
    this.observer.onBatch(1);
    return this.model.run(feeds);
  }

  queueDepth(): number {
    return 0;
  }
}

interface Pending {
  feeds: Feeds;
  rows: number;
  resolve(outputs: Outputs): void;
  reject(error: unknown): void;
}

/**
 * Dynamic batching for models with a dynamic first dimension: requests that arrive while a
 * batch runs are concatenated along that dimension into the next `run`, and the outputs
 * are split back per request. An idle model runs a request at once (or after `maxQueueDelayMs`),
 * so batching costs nothing at low load and multiplies throughput under load.
 */
export class DynamicBatcher implements Inferencer {
  /** Requests can only share a batch when all their non-batch dimensions agree. */
  private readonly queues = new Map<string, Pending[]>();
  private queued = 0;
  /** Batches running now: up to the runner's concurrency (one, but for a pool of Python processes). */
  private running = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly model: ModelRunner,
    private readonly options: { maxBatchSize: number; maxQueueDelayMs: number },
    private readonly observer: BatchObserver,
  ) {}

  queueDepth(): number {
    return this.queued;
  }

  infer(feeds: Feeds): Promise<Outputs> {
    const values = Object.values(feeds);
    const rows = values[0]?.shape[0] ?? 1;
    const key = values.map((v) => v.shape.slice(1).join('x')).join('|');
    return new Promise<Outputs>((resolve, reject) => {
      let queue = this.queues.get(key);
      if (!queue) this.queues.set(key, (queue = []));
      queue.push({ feeds, rows, resolve, reject });
      this.queued++;
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.running >= (this.model.concurrency ?? 1) || this.timer) return;
    const delay = this.options.maxQueueDelayMs;
    if (delay > 0 && this.oldestQueueRows() < this.options.maxBatchSize) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.runNext();
      }, delay);
      return;
    }
    void this.runNext();
  }

  private oldestQueueRows(): number {
    const first = this.queues.values().next().value;
    return first ? first.reduce((sum, p) => sum + p.rows, 0) : 0;
  }

  private async runNext(): Promise<void> {
    const entry = this.queues.entries().next().value;
    if (!entry) return;
    const [key, queue] = entry;
    const batch: Pending[] = [];
    let rows = 0;
    while (queue.length > 0 && (batch.length === 0 || rows + queue[0]!.rows <= this.options.maxBatchSize)) {
      const next = queue.shift()!;
      batch.push(next);
      rows += next.rows;
    }
    // Re-inserting moves a non-empty queue behind the others, so mismatched shapes take turns.
    this.queues.delete(key);
    if (queue.length > 0) this.queues.set(key, queue);
    this.queued -= batch.length;

    this.running++;
    // A pool takes the next batch while this one runs.
    if (this.queued > 0) this.schedule();
    try {
      await this.runBatch(batch);
    } finally {
      this.running--;
      if (this.queued > 0) this.schedule();
    }
  }

  private async runBatch(batch: Pending[]): Promise<void> {
    this.observer.onBatch(batch.reduce((sum, p) => sum + p.rows, 0));
    if (batch.length === 1) {
      const only = batch[0]!;
      await this.model.run(only.feeds).then(only.resolve, only.reject);
      return;
    }
    let outputs: Outputs;
    try {
      outputs = await this.model.run(concatFeeds(batch));
    } catch {
      // One request's values can fail a whole batch (an out-of-range index, say): retry each
      // alone, so only the guilty request sees the error.
      for (const p of batch) await this.model.run(p.feeds).then(p.resolve, p.reject);
      return;
    }
    splitOutputs(outputs, batch);
  }
}

function concatFeeds(batch: Pending[]): Feeds {
  const first = batch[0]!.feeds;
  const feeds: Feeds = {};
  for (const name of Object.keys(first)) {
    const parts = batch.map((p) => p.feeds[name]!);
    const shape = [...parts[0]!.shape];
    shape[0] = parts.reduce((sum, t) => sum + t.shape[0]!, 0);
    feeds[name] = { dtype: parts[0]!.dtype, shape, data: concatData(parts.map((t) => t.data)) };
  }
  return feeds;
}

function concatData(parts: TensorData[]): TensorData {
  const first = parts[0]!;
  if (Array.isArray(first)) return (parts as string[][]).flat();
  const length = parts.reduce((sum, p) => sum + p.length, 0);
  const Ctor = first.constructor as new (length: number) => Exclude<TensorData, string[]>;
  const out = new Ctor(length);
  let offset = 0;
  for (const p of parts) {
    (out as Float32Array).set(p as Float32Array, offset);
    offset += p.length;
  }
  return out;
}

function splitOutputs(outputs: Outputs, batch: Pending[]): void {
  const perRequest: Outputs[] = batch.map(() => ({}));
  for (const [name, tensor] of Object.entries(outputs)) {
    const rowSize = tensor.shape.slice(1).reduce((a, b) => a * b, 1);
    let row = 0;
    batch.forEach((p, i) => {
      const start = row * rowSize;
      const end = (row + p.rows) * rowSize;
      const data = Array.isArray(tensor.data) ? tensor.data.slice(start, end) : tensor.data.subarray(start, end);
      perRequest[i]![name] = { dtype: tensor.dtype, shape: [p.rows, ...tensor.shape.slice(1)], data: data as TensorData };
      row += p.rows;
    });
  }
  for (const [i, p] of batch.entries()) p.resolve(perRequest[i]!);
}
