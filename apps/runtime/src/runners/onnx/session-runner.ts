import { signatureFromOrtMetadata, type ModelSignature, type TensorData } from '@slipway/core';
import * as ort from 'onnxruntime-node';
import type { Feeds, Log, ModelRunner, Outputs } from '../../runner';

/** What OIP model metadata reports for an ONNX model, whichever thread runs it. */
export const ONNX_PLATFORM = 'onnxruntime_onnx';

export interface OnnxLoadOptions {
  path: string;
  intraOpThreads: number;
  executionProvider: 'cpu' | 'cuda';
  log: Log;
}

/** One ONNX model in one onnxruntime session, on the calling thread. */
export class OnnxSessionRunner implements ModelRunner {
  readonly platform = ONNX_PLATFORM;

  private constructor(
    private readonly session: ort.InferenceSession,
    readonly signature: ModelSignature,
  ) {}

  static async load(options: OnnxLoadOptions): Promise<OnnxSessionRunner> {
    const session = await createSession(options);
    return new OnnxSessionRunner(session, signatureFromOrtMetadata(session.inputMetadata, session.outputMetadata));
  }

  async run(feeds: Feeds): Promise<Outputs> {
    const ortFeeds: Record<string, ort.Tensor> = {};
    for (const [name, value] of Object.entries(feeds)) {
      ortFeeds[name] = new ort.Tensor(value.dtype, value.data as ort.Tensor.DataType, value.shape);
    }
    const results = await this.session.run(ortFeeds);
    const outputs: Outputs = {};
    for (const spec of this.signature.outputs) {
      const tensor = results[spec.name]!;
      outputs[spec.name] = { dtype: spec.dtype, shape: [...tensor.dims], data: tensor.data as TensorData };
    }
    return outputs;
  }

  close(): Promise<void> {
    return this.session.release();
  }
}

async function createSession(options: OnnxLoadOptions): Promise<ort.InferenceSession> {
  const sessionOptions: ort.InferenceSession.SessionOptions = {
    ...(options.intraOpThreads > 0 && { intraOpNumThreads: options.intraOpThreads }),
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  };
  if (options.executionProvider !== 'cuda') return ort.InferenceSession.create(options.path, sessionOptions);
  try {
    return await ort.InferenceSession.create(options.path, { ...sessionOptions, executionProviders: ['cuda'] });
  } catch (error) {
    // This build of onnxruntime-node may lack the CUDA provider; serving on CPU beats not serving.
    options.log('cuda execution provider unavailable, falling back to cpu', { reason: (error as Error).message });
    return ort.InferenceSession.create(options.path, sessionOptions);
  }
}
