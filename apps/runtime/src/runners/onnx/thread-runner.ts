import { Worker } from 'node:worker_threads';
import type { ModelSignature } from '@slipway/core';
import type { Feeds, ModelRunner, Outputs } from '../../runner';
import { ONNX_PLATFORM, type OnnxLoadOptions } from './session-runner';
import { transferList, type WorkerReply, type WorkerRequest } from './thread-messages';

/** An ONNX model whose session lives in a worker thread; requests and answers cross as transferred buffers. */
export class OnnxThreadRunner implements ModelRunner {
  readonly platform = ONNX_PLATFORM;
  private nextId = 0;
  private readonly pending = new Map<number, { resolve(outputs: Outputs): void; reject(error: Error): void }>();

  private constructor(
    private readonly worker: Worker,
    readonly signature: ModelSignature,
  ) {
    worker.on('message', (reply: WorkerReply) => {
      if (reply.type !== 'result' && reply.type !== 'error') return;
      const waiter = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (reply.type === 'result') waiter?.resolve(reply.outputs);
      else waiter?.reject(new Error(reply.message));
    });
  }

  static async load(options: OnnxLoadOptions): Promise<OnnxThreadRunner> {
    const { log, ...workerData } = options;
    const worker = new Worker(new URL('./inference-worker-entry.mjs', import.meta.url), { workerData });
    const signature = await new Promise<ModelSignature>((resolve, reject) => {
      worker.on('message', (reply: WorkerReply) => {
        if (reply.type === 'log') log(reply.msg, reply.fields);
        if (reply.type === 'ready') resolve(reply.signature);
      });
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`inference worker exited with code ${code} while loading`)));
    });
    const runner = new OnnxThreadRunner(worker, signature);
    // A worker that dies after loading takes the replica with it: the gateway retries elsewhere.
    worker.once('exit', (code) => {
      if (code !== 0) {
        log('inference worker died', { code });
        process.exit(1);
      }
    });
    return runner;
  }

  run(feeds: Feeds): Promise<Outputs> {
    const id = this.nextId++;
    return new Promise<Outputs>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ type: 'run', id, feeds } satisfies WorkerRequest, transferList(feeds));
    });
  }

  async close(): Promise<void> {
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.postMessage({ type: 'release' } satisfies WorkerRequest);
    await exited;
  }
}
