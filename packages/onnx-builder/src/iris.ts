import { encodeMlp, mulberry32, type MlpWeights } from './models';

/** sepal length, sepal width, petal length, petal width (cm), species index. */
export type IrisRow = readonly [number, number, number, number, 0 | 1 | 2];

export const IRIS_SPECIES = ['setosa', 'versicolor', 'virginica'] as const;

/**
 * Fisher's Iris data (1936), 50 rows per species. Rows 35 and 38 follow Fisher's paper rather than the two
 * transcription errors in the UCI copy.
 */
export const IRIS: readonly IrisRow[] = [
  // Iris setosa
  [5.1, 3.5, 1.4, 0.2, 0],
  [4.9, 3.0, 1.4, 0.2, 0],
  [4.7, 3.2, 1.3, 0.2, 0],
  [4.6, 3.1, 1.5, 0.2, 0],
  [5.0, 3.6, 1.4, 0.2, 0],
  [5.4, 3.9, 1.7, 0.4, 0],
  [4.6, 3.4, 1.4, 0.3, 0],
  [5.0, 3.4, 1.5, 0.2, 0],
  [4.4, 2.9, 1.4, 0.2, 0],
  [4.9, 3.1, 1.5, 0.1, 0],
  [5.4, 3.7, 1.5, 0.2, 0],
  [4.8, 3.4, 1.6, 0.2, 0],
  [4.8, 3.0, 1.4, 0.1, 0],
  [4.3, 3.0, 1.1, 0.1, 0],
  [5.8, 4.0, 1.2, 0.2, 0],
  [5.7, 4.4, 1.5, 0.4, 0],
  [5.4, 3.9, 1.3, 0.4, 0],
  [5.1, 3.5, 1.4, 0.3, 0],
  [5.7, 3.8, 1.7, 0.3, 0],
  [5.1, 3.8, 1.5, 0.3, 0],
  [5.4, 3.4, 1.7, 0.2, 0],
  [5.1, 3.7, 1.5, 0.4, 0],
  [4.6, 3.6, 1.0, 0.2, 0],
  [5.1, 3.3, 1.7, 0.5, 0],
  [4.8, 3.4, 1.9, 0.2, 0],
  [5.0, 3.0, 1.6, 0.2, 0],
  [5.0, 3.4, 1.6, 0.4, 0],
  [5.2, 3.5, 1.5, 0.2, 0],
  [5.2, 3.4, 1.4, 0.2, 0],
  [4.7, 3.2, 1.6, 0.2, 0],
  [4.8, 3.1, 1.6, 0.2, 0],
  [5.4, 3.4, 1.5, 0.4, 0],
  [5.2, 4.1, 1.5, 0.1, 0],
  [5.5, 4.2, 1.4, 0.2, 0],
  [4.9, 3.1, 1.5, 0.2, 0],
  [5.0, 3.2, 1.2, 0.2, 0],
  [5.5, 3.5, 1.3, 0.2, 0],
  [4.9, 3.6, 1.4, 0.1, 0],
  [4.4, 3.0, 1.3, 0.2, 0],
  [5.1, 3.4, 1.5, 0.2, 0],
  [5.0, 3.5, 1.3, 0.3, 0],
  [4.5, 2.3, 1.3, 0.3, 0],
  [4.4, 3.2, 1.3, 0.2, 0],
  [5.0, 3.5, 1.6, 0.6, 0],
  [5.1, 3.8, 1.9, 0.4, 0],
  [4.8, 3.0, 1.4, 0.3, 0],
  [5.1, 3.8, 1.6, 0.2, 0],
  [4.6, 3.2, 1.4, 0.2, 0],
  [5.3, 3.7, 1.5, 0.2, 0],
  [5.0, 3.3, 1.4, 0.2, 0],
  // Iris versicolor
  [7.0, 3.2, 4.7, 1.4, 1],
  [6.4, 3.2, 4.5, 1.5, 1],
  [6.9, 3.1, 4.9, 1.5, 1],
  [5.5, 2.3, 4.0, 1.3, 1],
  [6.5, 2.8, 4.6, 1.5, 1],
  [5.7, 2.8, 4.5, 1.3, 1],
  [6.3, 3.3, 4.7, 1.6, 1],
  [4.9, 2.4, 3.3, 1.0, 1],
  [6.6, 2.9, 4.6, 1.3, 1],
  [5.2, 2.7, 3.9, 1.4, 1],
  [5.0, 2.0, 3.5, 1.0, 1],
  [5.9, 3.0, 4.2, 1.5, 1],
  [6.0, 2.2, 4.0, 1.0, 1],
  [6.1, 2.9, 4.7, 1.4, 1],
  [5.6, 2.9, 3.6, 1.3, 1],
  [6.7, 3.1, 4.4, 1.4, 1],
  [5.6, 3.0, 4.5, 1.5, 1],
  [5.8, 2.7, 4.1, 1.0, 1],
  [6.2, 2.2, 4.5, 1.5, 1],
  [5.6, 2.5, 3.9, 1.1, 1],
  [5.9, 3.2, 4.8, 1.8, 1],
  [6.1, 2.8, 4.0, 1.3, 1],
  [6.3, 2.5, 4.9, 1.5, 1],
  [6.1, 2.8, 4.7, 1.2, 1],
  [6.4, 2.9, 4.3, 1.3, 1],
  [6.6, 3.0, 4.4, 1.4, 1],
  [6.8, 2.8, 4.8, 1.4, 1],
  [6.7, 3.0, 5.0, 1.7, 1],
  [6.0, 2.9, 4.5, 1.5, 1],
  [5.7, 2.6, 3.5, 1.0, 1],
  [5.5, 2.4, 3.8, 1.1, 1],
  [5.5, 2.4, 3.7, 1.0, 1],
  [5.8, 2.7, 3.9, 1.2, 1],
  [6.0, 2.7, 5.1, 1.6, 1],
  [5.4, 3.0, 4.5, 1.5, 1],
  [6.0, 3.4, 4.5, 1.6, 1],
  [6.7, 3.1, 4.7, 1.5, 1],
  [6.3, 2.3, 4.4, 1.3, 1],
  [5.6, 3.0, 4.1, 1.3, 1],
  [5.5, 2.5, 4.0, 1.3, 1],
  [5.5, 2.6, 4.4, 1.2, 1],
  [6.1, 3.0, 4.6, 1.4, 1],
  [5.8, 2.6, 4.0, 1.2, 1],
  [5.0, 2.3, 3.3, 1.0, 1],
  [5.6, 2.7, 4.2, 1.3, 1],
  [5.7, 3.0, 4.2, 1.2, 1],
  [5.7, 2.9, 4.2, 1.3, 1],
  [6.2, 2.9, 4.3, 1.3, 1],
  [5.1, 2.5, 3.0, 1.1, 1],
  [5.7, 2.8, 4.1, 1.3, 1],
  // Iris virginica
  [6.3, 3.3, 6.0, 2.5, 2],
  [5.8, 2.7, 5.1, 1.9, 2],
  [7.1, 3.0, 5.9, 2.1, 2],
  [6.3, 2.9, 5.6, 1.8, 2],
  [6.5, 3.0, 5.8, 2.2, 2],
  [7.6, 3.0, 6.6, 2.1, 2],
  [4.9, 2.5, 4.5, 1.7, 2],
  [7.3, 2.9, 6.3, 1.8, 2],
  [6.7, 2.5, 5.8, 1.8, 2],
  [7.2, 3.6, 6.1, 2.5, 2],
  [6.5, 3.2, 5.1, 2.0, 2],
  [6.4, 2.7, 5.3, 1.9, 2],
  [6.8, 3.0, 5.5, 2.1, 2],
  [5.7, 2.5, 5.0, 2.0, 2],
  [5.8, 2.8, 5.1, 2.4, 2],
  [6.4, 3.2, 5.3, 2.3, 2],
  [6.5, 3.0, 5.5, 1.8, 2],
  [7.7, 3.8, 6.7, 2.2, 2],
  [7.7, 2.6, 6.9, 2.3, 2],
  [6.0, 2.2, 5.0, 1.5, 2],
  [6.9, 3.2, 5.7, 2.3, 2],
  [5.6, 2.8, 4.9, 2.0, 2],
  [7.7, 2.8, 6.7, 2.0, 2],
  [6.3, 2.7, 4.9, 1.8, 2],
  [6.7, 3.3, 5.7, 2.1, 2],
  [7.2, 3.2, 6.0, 1.8, 2],
  [6.2, 2.8, 4.8, 1.8, 2],
  [6.1, 3.0, 4.9, 1.8, 2],
  [6.4, 2.8, 5.6, 2.1, 2],
  [7.2, 3.0, 5.8, 1.6, 2],
  [7.4, 2.8, 6.1, 1.9, 2],
  [7.9, 3.8, 6.4, 2.0, 2],
  [6.4, 2.8, 5.6, 2.2, 2],
  [6.3, 2.8, 5.1, 1.5, 2],
  [6.1, 2.6, 5.6, 1.4, 2],
  [7.7, 3.0, 6.1, 2.3, 2],
  [6.3, 3.4, 5.6, 2.4, 2],
  [6.4, 3.1, 5.5, 1.8, 2],
  [6.0, 3.0, 4.8, 1.8, 2],
  [6.9, 3.1, 5.4, 2.1, 2],
  [6.7, 3.1, 5.6, 2.4, 2],
  [6.9, 3.1, 5.1, 2.3, 2],
  [5.8, 2.7, 5.1, 1.9, 2],
  [6.8, 3.2, 5.9, 2.3, 2],
  [6.7, 3.3, 5.7, 2.5, 2],
  [6.7, 3.0, 5.2, 2.3, 2],
  [6.3, 2.5, 5.0, 1.9, 2],
  [6.5, 3.0, 5.2, 2.0, 2],
  [6.2, 3.4, 5.4, 2.3, 2],
  [5.9, 3.0, 5.1, 1.8, 2],
];

export interface IrisTrainingOptions {
  seed: number;
  epochs?: number;
  learningRate?: number;
}

export interface IrisClassifier {
  /** ONNX model with the `encodeMlp` interface: `features` [batch, 4] in raw cm → `label`, `probabilities`. */
  model: Uint8Array;
  /** Accuracy of the exported (float32, standardisation-folded) weights on all 150 rows. */
  trainAccuracy: number;
}

const INPUTS = 4;
const HIDDEN = 8;
const CLASSES = 3;

// The numeric loops below index arrays sized by the constants they loop to: the `!`s are that invariant.

/** Forward pass of the exported MLP; returns the arg-max class. */
function predict(w: MlpWeights, x: readonly number[]): number {
  const h = new Float64Array(w.hidden);
  for (let j = 0; j < w.hidden; j++) {
    let z = w.b1[j]!;
    for (let i = 0; i < w.inputs; i++) z += x[i]! * w.w1[i * w.hidden + j]!;
    h[j] = Math.max(0, z);
  }
  let best = 0;
  let bestLogit = -Infinity;
  for (let k = 0; k < w.outputs; k++) {
    let z = w.b2[k]!;
    for (let j = 0; j < w.hidden; j++) z += h[j]! * w.w2[j * w.outputs + k]!;
    if (z > bestLogit) [best, bestLogit] = [k, z];
  }
  return best;
}

/**
 * Trains a 4 → 8 (ReLU) → 3 (softmax) classifier on standardised features with full-batch Adam and
 * cross-entropy, then folds the standardisation into the first layer so the model takes raw measurements.
 * Deterministic: the same options always give the same bytes.
 */
export function trainIrisClassifier({ seed, epochs = 500, learningRate = 0.01 }: IrisTrainingOptions): IrisClassifier {
  const n = IRIS.length;
  const mean = new Float64Array(INPUTS);
  const std = new Float64Array(INPUTS);
  for (const row of IRIS) for (let i = 0; i < INPUTS; i++) mean[i]! += row[i]! / n;
  for (const row of IRIS) for (let i = 0; i < INPUTS; i++) std[i]! += (row[i]! - mean[i]!) ** 2 / n;
  for (let i = 0; i < INPUTS; i++) std[i] = Math.sqrt(std[i]!);
  const xs = IRIS.map((row) => Array.from({ length: INPUTS }, (_, i) => (row[i]! - mean[i]!) / std[i]!));

  const random = mulberry32(seed);
  const init = (length: number, limit: number) => Float64Array.from({ length }, () => (random() * 2 - 1) * limit);
  const w1 = init(INPUTS * HIDDEN, Math.sqrt(6 / INPUTS));
  const b1 = new Float64Array(HIDDEN);
  const w2 = init(HIDDEN * CLASSES, Math.sqrt(6 / (HIDDEN + CLASSES)));
  const b2 = new Float64Array(CLASSES);
  const params = [w1, b1, w2, b2];
  const [gw1, gb1, gw2, gb2] = [w1, b1, w2, b2].map((p) => new Float64Array(p.length)) as [Float64Array, Float64Array, Float64Array, Float64Array];
  const grads = [gw1, gb1, gw2, gb2];
  const m = params.map((p) => new Float64Array(p.length));
  const v = params.map((p) => new Float64Array(p.length));
  const [beta1, beta2, eps] = [0.9, 0.999, 1e-8];

  const z1 = new Float64Array(HIDDEN);
  const h = new Float64Array(HIDDEN);
  const dz2 = new Float64Array(CLASSES);
  for (let step = 1; step <= epochs; step++) {
    for (const g of grads) g.fill(0);
    for (let s = 0; s < n; s++) {
      const x = xs[s]!;
      for (let j = 0; j < HIDDEN; j++) {
        let z = b1[j]!;
        for (let i = 0; i < INPUTS; i++) z += x[i]! * w1[i * HIDDEN + j]!;
        z1[j] = z;
        h[j] = Math.max(0, z);
      }
      let max = -Infinity;
      for (let k = 0; k < CLASSES; k++) {
        let z = b2[k]!;
        for (let j = 0; j < HIDDEN; j++) z += h[j]! * w2[j * CLASSES + k]!;
        dz2[k] = z;
        max = Math.max(max, z);
      }
      let total = 0;
      for (let k = 0; k < CLASSES; k++) total += dz2[k] = Math.exp(dz2[k]! - max);
      // d(mean cross-entropy)/d(logits) = (softmax - one_hot) / n
      for (let k = 0; k < CLASSES; k++) dz2[k] = (dz2[k]! / total - (IRIS[s]![4]! === k ? 1 : 0)) / n;
      for (let j = 0; j < HIDDEN; j++) {
        let dh = 0;
        for (let k = 0; k < CLASSES; k++) {
          gw2[j * CLASSES + k]! += h[j]! * dz2[k]!;
          dh += w2[j * CLASSES + k]! * dz2[k]!;
        }
        if (z1[j]! <= 0) continue;
        gb1[j]! += dh;
        for (let i = 0; i < INPUTS; i++) gw1[i * HIDDEN + j]! += x[i]! * dh;
      }
      for (let k = 0; k < CLASSES; k++) gb2[k]! += dz2[k]!;
    }
    const lr = (learningRate * Math.sqrt(1 - beta2 ** step)) / (1 - beta1 ** step);
    params.forEach((p, t) => {
      for (let i = 0; i < p.length; i++) {
        const g = grads[t]![i]!;
        m[t]![i] = beta1 * m[t]![i]! + (1 - beta1) * g;
        v[t]![i] = beta2 * v[t]![i]! + (1 - beta2) * g * g;
        p[i]! -= (lr * m[t]![i]!) / (Math.sqrt(v[t]![i]!) + eps);
      }
    });
  }

  // Fold (x - mean) / std into the first Gemm: w1' = w1 / std, b1' = b1 - mean · w1'.
  const foldedW1 = new Float32Array(INPUTS * HIDDEN);
  const foldedB1 = new Float32Array(HIDDEN);
  for (let j = 0; j < HIDDEN; j++) {
    let bias = b1[j]!;
    for (let i = 0; i < INPUTS; i++) {
      const w = w1[i * HIDDEN + j]! / std[i]!;
      foldedW1[i * HIDDEN + j] = w;
      bias -= mean[i]! * w;
    }
    foldedB1[j] = bias;
  }
  const weights: MlpWeights = {
    inputs: INPUTS,
    hidden: HIDDEN,
    outputs: CLASSES,
    w1: foldedW1,
    b1: foldedB1,
    w2: Float32Array.from(w2),
    b2: Float32Array.from(b2),
  };
  const correct = IRIS.filter((row) => predict(weights, row.slice(0, INPUTS)) === row[4]).length;
  const model = encodeMlp(weights, {
    name: 'iris_classifier',
    docString: `Iris species classifier (${IRIS_SPECIES.join(', ')}); input: sepal/petal length and width in cm.`,
  });
  return { model, trainAccuracy: correct / n };
}
