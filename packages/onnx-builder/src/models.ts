import { DATA_TYPE, DTYPES, GraphBuilder, encodeModel, int, ints, type Dim } from './graph';

/** mulberry32: a tiny seeded PRNG returning floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function uniform(random: () => number, length: number, limit: number): Float32Array {
  const values = new Float32Array(length);
  for (let i = 0; i < length; i++) values[i] = (random() * 2 - 1) * limit;
  return values;
}

export type BatchOption = 'dynamic' | number;

const batchDim = (batch: BatchOption): Dim => (batch === 'dynamic' ? 'batch' : batch);

/** Two-layer perceptron weights; matrices are row-major [in, out], as Gemm's B without transB. */
export interface MlpWeights {
  inputs: number;
  hidden: number;
  outputs: number;
  w1: Float32Array;
  b1: Float32Array;
  w2: Float32Array;
  b2: Float32Array;
}

/**
 * `features` float32 [batch, inputs] → Gemm → Relu → Gemm → Softmax(axis=1) → `probabilities` float32 [batch, outputs],
 * plus ArgMax(axis=1, keepdims=0) of the probabilities → `label` int64 [batch].
 */
export function encodeMlp(
  weights: MlpWeights,
  options: { batch?: BatchOption; name?: string; docString?: string; scaler?: ScalerParameters } = {},
): Uint8Array {
  const { inputs, hidden, outputs } = weights;
  const batch = batchDim(options.batch ?? 'dynamic');
  const g = new GraphBuilder(options.name ?? 'mlp');
  const features = options.scaler ? addScaler(g, options.scaler, [batch, inputs], 'scaled') : g.input('features', 'float32', [batch, inputs]);
  g.output('probabilities', 'float32', [batch, outputs]);
  g.output('label', 'int64', [batch]);

  const w1 = g.initializer('w1', weights.w1, [inputs, hidden]);
  const b1 = g.initializer('b1', weights.b1, [hidden]);
  const w2 = g.initializer('w2', weights.w2, [hidden, outputs]);
  const b2 = g.initializer('b2', weights.b2, [outputs]);

  const z1 = g.node('Gemm', [features, w1, b1], ['z1']);
  const h1 = g.node('Relu', [z1], ['h1']);
  const logits = g.node('Gemm', [h1, w2, b2], ['logits']);
  const probabilities = g.node('Softmax', [logits], ['probabilities'], { axis: int(1) });
  g.node('ArgMax', [probabilities], ['label'], { axis: int(1), keepdims: int(0) });
  return encodeModel(g, { docString: options.docString });
}

export interface MlpOptions {
  inputs: number;
  hidden: number;
  outputs: number;
  seed: number;
  batch?: BatchOption;
}

/** A randomly initialised MLP (Glorot-uniform weights) with the `encodeMlp` interface. */
export function buildMlp(options: MlpOptions): Uint8Array {
  return encodeMlp(mlpWeights(options), { batch: options.batch ?? 'dynamic' });
}

/** The weights `buildMlp` draws for these options (the same seed gives the same weights). */
export function mlpWeights({ inputs, hidden, outputs, seed }: MlpOptions): MlpWeights {
  const random = mulberry32(seed);
  return {
    inputs,
    hidden,
    outputs,
    w1: uniform(random, inputs * hidden, Math.sqrt(6 / (inputs + hidden))),
    b1: uniform(random, hidden, 0.1),
    w2: uniform(random, hidden * outputs, Math.sqrt(6 / (hidden + outputs))),
    b2: uniform(random, outputs, 0.1),
  };
}

/** A standard scaler: `(x - mean) / scale`, per feature. */
export interface ScalerParameters {
  mean: readonly number[];
  scale: readonly number[];
}

/** Adds `x` float32 [batch, n] → Sub(mean) → Div(scale) → `output`; returns the output's name. */
function addScaler(g: GraphBuilder, scaler: ScalerParameters, shape: Dim[], output: string): string {
  const x = g.input('x', 'float32', shape);
  const mean = g.initializer('scaler_mean', Float32Array.from(scaler.mean), [scaler.mean.length]);
  const scale = g.initializer('scaler_scale', Float32Array.from(scaler.scale), [scaler.scale.length]);
  const centred = g.node('Sub', [x, mean], ['centred']);
  return g.node('Div', [centred, scale], [output]);
}

/** A scaler alone: `x` float32 [batch, n] → `scaled` float32 [batch, n] (the first step of a scaler → MLP pipeline). */
export function buildScaler(scaler: ScalerParameters): Uint8Array {
  const g = new GraphBuilder('scaler');
  const n = scaler.mean.length;
  g.output('scaled', 'float32', ['batch', n]);
  addScaler(g, scaler, ['batch', n], 'scaled');
  return encodeModel(g);
}

/** The scaler and the MLP fused in one model: `x` → scaled → MLP → `probabilities`, `label` (what a pipeline of both must equal). */
export function buildScaledMlp(scaler: ScalerParameters, options: MlpOptions): Uint8Array {
  return encodeMlp(mlpWeights(options), { scaler, name: 'scaled_mlp' });
}

export interface CnnOptions {
  seed: number;
  /** Input image channels (default 1). */
  channels?: number;
  /** Input image height and width (default 28). */
  size?: number;
  /** Units of a fully connected hidden layer before the logits, VGG-style (default none). */
  dense?: number;
}

/**
 * Benchmark image model: `image` float32 [batch, channels, size, size] → Conv3x3(16) → Relu → MaxPool2 →
 * Conv3x3(32) → Relu → MaxPool2 → Flatten → [Gemm(dense) → Relu →] Gemm → `logits` float32 [batch, 10].
 * A wide dense head makes a batch of one memory-bound (every weight read per image), as in VGG-style nets.
 */
export function buildCnn({ seed, channels = 1, size = 28, dense = 0 }: CnnOptions): Uint8Array {
  const random = mulberry32(seed);
  // He-uniform limit sqrt(6 / fan_in) keeps activations at a stable scale through the ReLUs.
  const he = (fanIn: number) => Math.sqrt(6 / fanIn);
  const pooled = Math.floor(Math.floor(size / 2) / 2);
  const flat = 32 * pooled * pooled;

  const g = new GraphBuilder('cnn');
  const image = g.input('image', 'float32', ['batch', channels, size, size]);
  g.output('logits', 'float32', ['batch', 10]);

  const conv = { kernel_shape: ints([3, 3]), pads: ints([1, 1, 1, 1]) };
  const pool = { kernel_shape: ints([2, 2]), strides: ints([2, 2]) };

  const k1 = g.initializer('conv1_w', uniform(random, 16 * channels * 9, he(channels * 9)), [16, channels, 3, 3]);
  const c1 = g.initializer('conv1_b', new Float32Array(16), [16]);
  const k2 = g.initializer('conv2_w', uniform(random, 32 * 16 * 9, he(16 * 9)), [32, 16, 3, 3]);
  const c2 = g.initializer('conv2_b', new Float32Array(32), [32]);
  const head = dense > 0 ? dense : flat;
  const fw = g.initializer('fc_w', uniform(random, head * 10, Math.sqrt(6 / (head + 10))), [head, 10]);
  const fb = g.initializer('fc_b', new Float32Array(10), [10]);

  let x = g.node('Conv', [image, k1, c1], ['conv1'], conv);
  x = g.node('Relu', [x], ['relu1']);
  x = g.node('MaxPool', [x], ['pool1'], pool);
  x = g.node('Conv', [x, k2, c2], ['conv2'], conv);
  x = g.node('Relu', [x], ['relu2']);
  x = g.node('MaxPool', [x], ['pool2'], pool);
  x = g.node('Flatten', [x], ['flat'], { axis: int(1) });
  if (dense > 0) {
    const dw = g.initializer('dense_w', uniform(random, flat * dense, he(flat)), [flat, dense]);
    const db = g.initializer('dense_b', new Float32Array(dense), [dense]);
    x = g.node('Gemm', [x, dw, db], ['dense']);
    x = g.node('Relu', [x], ['relu3']);
  }
  g.node('Gemm', [x, fw, fb], ['logits']);
  return encodeModel(g);
}

/** Inputs `a` float32 [batch, 3] and `b` int64 [batch, 3]; outputs `sum` = a + float(b) and `b_doubled` = b + b. */
export function buildMultiIo(): Uint8Array {
  const g = new GraphBuilder('multi_io');
  const a = g.input('a', 'float32', ['batch', 3]);
  const b = g.input('b', 'int64', ['batch', 3]);
  g.output('sum', 'float32', ['batch', 3]);
  g.output('b_doubled', 'int64', ['batch', 3]);

  const bFloat = g.node('Cast', [b], ['b_float'], { to: int(DATA_TYPE.float32) });
  g.node('Add', [a, bFloat], ['sum']);
  g.node('Add', [b, b], ['b_doubled']);
  return encodeModel(g);
}

/** One Identity per dtype: `x_<dtype>` [batch, 2] → `y_<dtype>` [batch, 2]. */
export function buildAllTypesEcho(): Uint8Array {
  const g = new GraphBuilder('all_types_echo');
  for (const dtype of DTYPES) {
    const x = g.input(`x_${dtype}`, dtype, ['batch', 2]);
    g.output(`y_${dtype}`, dtype, ['batch', 2]);
    g.node('Identity', [x], [`y_${dtype}`]);
  }
  return encodeModel(g);
}

/** A small MLP with no dynamic dimension: `features` float32 [1, 4] → `probabilities` [1, 3], `label` [1]. */
export function buildFixedBatch(): Uint8Array {
  return buildMlp({ inputs: 4, hidden: 8, outputs: 3, seed: 7, batch: 1 });
}

/**
 * An embedding lookup whose table lives in `weightsFile` beside the model (external data):
 * `ids` int64 [batch] → Gather → `vectors` float32 [batch, dim]. The table is rows × dim float32,
 * little-endian, written by the caller — large artifacts without holding them in memory.
 */
export function buildEmbedding({ rows, dim, weightsFile }: { rows: number; dim: number; weightsFile: string }): Uint8Array {
  const g = new GraphBuilder('embedding');
  const ids = g.input('ids', 'int64', ['batch']);
  g.output('vectors', 'float32', ['batch', dim]);
  const table = g.externalInitializer('embeddings', [rows, dim], weightsFile);
  g.node('Gather', [table, ids], ['vectors'], { axis: int(0) });
  return encodeModel(g);
}

/**
 * Loads like a healthy classifier (`features` float32 [batch, 4]) but every run fails: it reshapes
 * its input to 7 values, which no batch of 4-wide rows has. A canary of it answers 5xx.
 */
export function buildFailingModel(): Uint8Array {
  const g = new GraphBuilder('always_fails');
  const features = g.input('features', 'float32', ['batch', 4]);
  g.output('label', 'float32', [7]);
  const shape = g.initializer('shape', new BigInt64Array([7n]), [1]);
  g.node('Reshape', [features, shape], ['label']);
  return encodeModel(g);
}
