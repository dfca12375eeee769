import { signatureFromOrtMetadata, type DType, type ModelSignature, type TensorData, type TensorValue } from '@slipway/core';
import * as ort from 'onnxruntime-node';

export interface OutputTensor {
  dtype: DType;
  shape: number[];
  data: TensorData;
}

export type Feeds = Record<string, TensorValue>;
export type Outputs = Record<string, OutputTensor>;

export interface LoadOptions {
  path: string;
  intraOpThreads: number;
  executionProvider: 'cpu' | 'cuda';
  log: (msg: string, fields?: Record<string, unknown>) => void;
}

/** What serving needs of a model, whichever thread its session runs on. */
export interface ModelRunner {
  readonly signature: ModelSignature;
  run(feeds: Feeds): Promise<Outputs>;
  release(): Promise<void>;
}

/** One ONNX model in one onnxruntime session, on the calling thread. */
export class LoadedModel implements ModelRunner {
  private constructor(
    private readonly session: ort.InferenceSession,
    readonly signature: ModelSignature,
  ) {}

  static async load(options: LoadOptions): Promise<LoadedModel> {
    const sessionOptions: ort.InferenceSession.SessionOptions = {
      ...(options.intraOpThreads > 0 && { intraOpNumThreads: options.intraOpThreads }),
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
    };
    let session: ort.InferenceSession;
    if (options.executionProvider === 'cuda') {
      try {
        session = await ort.InferenceSession.create(options.path, { ...sessionOptions, executionProviders: ['cuda'] });
      } catch (error) {
        // This build of onnxruntime-node may lack the CUDA provider; serving on CPU beats not serving.
        options.log('cuda execution provider unavailable, falling back to cpu', { reason: (error as Error).message });
        session = await ort.InferenceSession.create(options.path, sessionOptions);
      }
    } else {
      session = await ort.InferenceSession.create(options.path, sessionOptions);
    }
    return new LoadedModel(session, signatureFromOrtMetadata(session.inputMetadata, session.outputMetadata));
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

  release(): Promise<void> {
    return this.session.release();
  }
}
