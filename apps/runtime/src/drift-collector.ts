import { CategoryCounts, NumericSketch, type ModelSignature, type TensorData } from '@slipway/core';
import type { DriftWindowPayload } from '@slipway/queue';
import type { Feeds, Outputs } from './runner';

/** Wider tensors (images, embeddings) are not tabular features: their columns are not tracked one by one. */
export const MAX_TRACKED_COLUMNS = 100;

type Role = 'input' | 'output';

interface Column {
  name: string;
  role: Role;
  index: number;
  sketch: NumericSketch | CategoryCounts;
}

/** How one tensor's values map onto feature columns, decided once per tensor name and width. */
interface TensorPlan {
  width: number;
  columns: Column[];
}

export type WindowSink = (window: Omit<DriftWindowPayload, 'variantId' | 'replicaId'>) => Promise<void>;

/**
 * Drift sketches of every request this replica answers, per input column and per output, in windows: each window's
 * sketches are handed to `sink` (a job for the worker) when it closes. An observation costs one sketch insert per
 * value (float32: a table lookup and an increment; int64 labels: an increment; other numbers: a logarithm); memory
 * is bounded by columns × sketch size, never by traffic.
 */
export class DriftCollector {
  /** Per role, per tensor name (keys as the request's own strings: no key is built per request). */
  private plans = { input: new Map<string, TensorPlan | null>(), output: new Map<string, TensorPlan | null>() };
  private opened = Date.now();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private spentMs = 0;

  constructor(
    private readonly options: {
      signature: ModelSignature;
      /** The first input's column names, from the manifest. */
      featureNames?: readonly string[];
      windowMs: number;
      sink: WindowSink;
      onError?: (error: unknown) => void;
    },
  ) {}

  observe(feeds: Feeds, outputs: Outputs): void {
    const started = performance.now();
    for (const name in feeds) this.record(name, 'input', feeds[name]!);
    for (const name in outputs) this.record(name, 'output', outputs[name]!);
    this.spentMs += performance.now() - started;
  }

  /** Time spent observing requests and serialising windows (the replica's `slipway_runtime_drift_seconds_total`). */
  get secondsSpent(): number {
    return this.spentMs / 1000;
  }

  start(): void {
    this.timer = setInterval(() => void this.flush(), this.options.windowMs);
    this.timer.unref();
  }

  /** Closes the current window and hands it to the sink; windows flush one at a time, in order. */
  flush(): Promise<void> {
    const started = performance.now();
    const windowStart = this.opened;
    const windowEnd = Date.now();
    const plans = this.plans;
    this.plans = { input: new Map(), output: new Map() };
    this.opened = windowEnd;
    const features = [...plans.input.values(), ...plans.output.values()]
      .flatMap((plan) => plan?.columns ?? [])
      .filter((c) => c.sketch.count + c.sketch.missing > 0)
      .map((c) => ({ name: c.name, role: c.role, sketch: c.sketch.toJSON() }));
    this.spentMs += performance.now() - started;
    if (features.length === 0) return this.flushing;
    this.flushing = this.flushing.then(() => this.options.sink({ windowStart, windowEnd, features }).catch((error) => this.options.onError?.(error)));
    return this.flushing;
  }

  /** Stops the timer and flushes what the last window holds. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  private record(tensor: string, role: Role, value: { dtype: string; shape: number[]; data: TensorData }): void {
    const width = value.shape.length === 2 ? value.shape[1]! : value.shape.length === 1 ? 1 : -1;
    const plans = this.plans[role];
    let plan = plans.get(tensor);
    if (plan === undefined || (plan !== null && plan.width !== width)) {
      plan = this.plan(tensor, role, value.dtype, width);
      plans.set(tensor, plan);
    }
    if (!plan) return;
    const { data } = value;
    if (data instanceof Float32Array) {
      const bits = new Uint32Array(data.buffer, data.byteOffset, data.length);
      for (const { sketch, index } of plan.columns) {
        if (sketch instanceof NumericSketch) sketch.addFloat32Column(data, bits, index, width);
        else sketch.addColumn(data, index, width);
      }
    } else if (data instanceof BigInt64Array) {
      const words = new Int32Array(data.buffer, data.byteOffset, data.length * 2);
      for (const { sketch, index } of plan.columns) {
        if (sketch instanceof CategoryCounts) sketch.addInt64Column(data, words, index, width);
        else sketch.addColumn(data, index, width);
      }
    } else for (const column of plan.columns) column.sketch.addColumn(data, column.index, width);
  }

  private plan(tensor: string, role: Role, dtype: string, width: number): TensorPlan | null {
    // float16 arrives as raw half-precision bits; higher ranks are images or sequences, not columns.
    if (width < 1 || width > MAX_TRACKED_COLUMNS || dtype === 'float16') return null;
    // Strings and booleans are categories; so are integer outputs (class labels). Integer inputs stay numeric.
    const categorical = dtype === 'string' || dtype === 'bool' || (role === 'output' && !dtype.startsWith('float'));
    const names =
      role === 'input' && tensor === this.options.signature.inputs[0]?.name && this.options.featureNames?.length === width ? this.options.featureNames : null;
    const columns = Array.from({ length: width }, (_, index) => ({
      name: names ? names[index]! : width === 1 && this.isVector(tensor, role) ? tensor : `${tensor}[${index}]`,
      role,
      index,
      sketch: categorical ? new CategoryCounts() : new NumericSketch(),
    }));
    return { width, columns };
  }

  /** A rank-1 tensor is one column named after the tensor; a [n, 1] one keeps its index. */
  private isVector(tensor: string, role: Role): boolean {
    const spec = (role === 'input' ? this.options.signature.inputs : this.options.signature.outputs).find((t) => t.name === tensor);
    return spec ? spec.shape.length <= 1 : true;
  }
}
