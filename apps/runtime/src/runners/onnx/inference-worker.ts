// Worker-thread entry: owns one onnxruntime session so that a long `session.run` (onnxruntime-node runs it
// synchronously) never blocks the replica's HTTP event loop.
import { parentPort, workerData } from 'node:worker_threads';
import { type OnnxLoadOptions, OnnxSessionRunner } from './session-runner';
import { transferList, type WorkerReply, type WorkerRequest } from './thread-messages';

const port = parentPort!;
const options = workerData as Omit<OnnxLoadOptions, 'log'>;
const runner = await OnnxSessionRunner.load({ ...options, log: (msg, fields) => port.postMessage({ type: 'log', msg, fields } satisfies WorkerReply) });
port.on('message', (request: WorkerRequest) => {
  if (request.type === 'release') {
    void runner.close().finally(() => port.close());
    return;
  }
  runner.run(request.feeds).then(
    (outputs) => port.postMessage({ type: 'result', id: request.id, outputs } satisfies WorkerReply, transferList(outputs)),
    (error: unknown) =>
      port.postMessage({ type: 'error', id: request.id, message: error instanceof Error ? error.message : String(error) } satisfies WorkerReply),
  );
});
port.postMessage({ type: 'ready', signature: runner.signature } satisfies WorkerReply);
