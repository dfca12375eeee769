// Worker-thread entry: owns one onnxruntime session so that a long `session.run` (onnxruntime-node runs it
// synchronously) never blocks the replica's HTTP event loop.
import { parentPort, workerData } from 'node:worker_threads';
import { LoadedModel, type LoadOptions } from './model';
import { transferList, type WorkerReply, type WorkerRequest } from './worker-protocol';

const port = parentPort!;
const options = workerData as Omit<LoadOptions, 'log'>;
const model = await LoadedModel.load({ ...options, log: (msg, fields) => port.postMessage({ type: 'log', msg, fields } satisfies WorkerReply) });
port.on('message', (request: WorkerRequest) => {
  if (request.type === 'release') {
    void model.release().finally(() => port.close());
    return;
  }
  model.run(request.feeds).then(
    (outputs) => port.postMessage({ type: 'result', id: request.id, outputs } satisfies WorkerReply, transferList(outputs)),
    (error: unknown) =>
      port.postMessage({ type: 'error', id: request.id, message: error instanceof Error ? error.message : String(error) } satisfies WorkerReply),
  );
});
port.postMessage({ type: 'ready', signature: model.signature } satisfies WorkerReply);
