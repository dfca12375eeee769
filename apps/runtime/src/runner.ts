import type { DType, ModelSignature, TensorData, TensorValue } from '@slipway/core';

/*
 * The seam between serving and inference. Transports (HTTP, the framed listener) decode requests and hand them to
 * the protocol layer (OIP v2, KServe V1, /predict, health, metrics), which validates them against the runner's
 * signature and calls `run` (through batching and drift collection, see `inference.ts`). Nothing above this seam
 * knows how a model runs: onnxruntime-node in process or on a worker thread today (`runners/onnx`), a Python
 * process over a pipe with binary tensors later. A new runner is a `RunnerLoader` registered under its kind in
 * `runners/index.ts`; transports and protocols do not change.
 */

/** One named tensor as the runner returns it: row-major `data` in `shape`. */
export interface OutputTensor {
  dtype: DType;
  shape: number[];
  data: TensorData;
}

/** A batch of named input tensors, already validated against the signature (names, dtypes, shapes). */
export type Feeds = Record<string, TensorValue>;
/** Named output tensors: every output of the signature. */
export type Outputs = Record<string, OutputTensor>;

/** Where a runner's own log lines go (the replica's structured log). */
export type Log = (msg: string, fields?: Record<string, unknown>) => void;

/** What serving needs of a loaded model, however and wherever it runs. */
export interface ModelRunner {
  /**
   * Inputs and outputs with dtypes and shapes (`null` = dynamic). Protocols validate requests against it, warm-up
   * synthesises zeros from it, and a dynamic first dimension lets the batcher concatenate requests along it.
   */
  readonly signature: ModelSignature;
  /** What the model metadata reports as the serving platform (OIP `platform`), e.g. `onnxruntime_onnx`. */
  readonly platform: string;
  /**
   * Runs one batch: the first dimension of every input is the row count, and every output keeps it. Concurrent calls
   * are allowed (a runner that runs one at a time queues them). A rejection's message is shown to the caller as the
   * model's failure (`model_error`), so it must not leak more than the model's own complaint.
   */
  run(feeds: Feeds): Promise<Outputs>;
  /** How many batches it runs at once (a pool of Python processes); the batcher keeps that many running. Absent: one. */
  readonly concurrency?: number;
  /** Frees the model (session, thread, process); called once, after the last `run` settled. */
  close(): Promise<void>;
}
