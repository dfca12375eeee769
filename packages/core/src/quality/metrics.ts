/**
 * Model quality from predictions joined with ground truth: classification (accuracy, per-class
 * precision/recall/F1, confusion matrix, calibration), regression (MAE, RMSE), coverage and label delay.
 * Inputs are aggregates (counts per (actual, predicted) pair, sums of errors) so a database can group
 * rows first and memory stays bounded by classes, not by traffic.
 */

/** How many labelled answers had this actual and predicted label. */
export interface ConfusionCell {
  actual: string;
  predicted: string;
  count: number;
}

export interface ClassMetrics {
  label: string;
  precision: number | null;
  recall: number | null;
  f1: number | null;
  /** Labelled answers whose actual label is this one. */
  support: number;
}

export interface ClassificationMetrics {
  labeled: number;
  correct: number;
  accuracy: number | null;
  perClass: ClassMetrics[];
  /** Row = actual, column = predicted, both in `labels` order. */
  confusion: { labels: string[]; matrix: number[][] };
}

/** Accuracy, per-class precision, recall and F1, and the confusion matrix from counts per (actual, predicted). */
export function classificationMetrics(cells: readonly ConfusionCell[]): ClassificationMetrics {
  const labels = [...new Set(cells.flatMap((c) => [c.actual, c.predicted]))].sort(compareLabels);
  const index = new Map(labels.map((l, i) => [l, i]));
  const matrix = labels.map(() => labels.map(() => 0));
  for (const c of cells) matrix[index.get(c.actual)!]![index.get(c.predicted)!]! += c.count;
  const labeled = cells.reduce((s, c) => s + c.count, 0);
  const correct = labels.reduce((s, _, i) => s + matrix[i]![i]!, 0);
  const perClass = labels.map((label, i) => {
    const truePositives = matrix[i]![i]!;
    const support = matrix[i]!.reduce((s, n) => s + n, 0);
    const predicted = matrix.reduce((s, row) => s + row[i]!, 0);
    const precision = predicted > 0 ? truePositives / predicted : null;
    const recall = support > 0 ? truePositives / support : null;
    const f1 =
      precision !== null && recall !== null && precision + recall > 0
        ? (2 * precision * recall) / (precision + recall)
        : precision === 0 || recall === 0
          ? 0
          : null;
    return { label, precision, recall, f1, support };
  });
  return { labeled, correct, accuracy: labeled > 0 ? correct / labeled : null, perClass, confusion: { labels, matrix } };
}

/** Numeric labels in numeric order ("2" before "10"), others alphabetically after them. */
function compareLabels(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  const aNum = a !== '' && Number.isFinite(na);
  const bNum = b !== '' && Number.isFinite(nb);
  if (aNum && bNum) return na - nb;
  if (aNum !== bNum) return aNum ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sums a database can keep per group: n, Σ|error|, Σ error². */
export interface RegressionSums {
  count: number;
  sumAbsError: number;
  sumSquaredError: number;
}

export function regressionMetrics(sums: RegressionSums): { count: number; mae: number | null; rmse: number | null } {
  if (sums.count <= 0) return { count: 0, mae: null, rmse: null };
  return { count: sums.count, mae: sums.sumAbsError / sums.count, rmse: Math.sqrt(sums.sumSquaredError / sums.count) };
}

export const CALIBRATION_BINS = 10;

/** Labelled answers with a confidence, grouped by confidence bin (`confidenceBin`): how many, Σ confidence, how many right. */
export interface CalibrationCell {
  bin: number;
  count: number;
  sumConfidence: number;
  correct: number;
}

/** The bin of a confidence in [0, 1] among `CALIBRATION_BINS` equal-width bins (1.0 falls in the last). */
export function confidenceBin(confidence: number, bins = CALIBRATION_BINS): number {
  return Math.min(bins - 1, Math.max(0, Math.floor(confidence * bins)));
}

export interface CalibrationCurve {
  bins: { bin: number; from: number; to: number; count: number; meanConfidence: number; accuracy: number }[];
  /** Expected calibration error: Σ (n_b / n) · |accuracy_b − confidence_b|. */
  ece: number | null;
}

/** Reliability diagram and expected calibration error from per-bin sums. */
export function calibration(cells: readonly CalibrationCell[], binCount = CALIBRATION_BINS): CalibrationCurve {
  const total = cells.reduce((s, c) => s + c.count, 0);
  const bins = cells
    .filter((c) => c.count > 0)
    .sort((a, b) => a.bin - b.bin)
    .map((c) => ({
      bin: c.bin,
      from: c.bin / binCount,
      to: (c.bin + 1) / binCount,
      count: c.count,
      meanConfidence: c.sumConfidence / c.count,
      accuracy: c.correct / c.count,
    }));
  const ece = total > 0 ? bins.reduce((s, b) => s + (b.count / total) * Math.abs(b.accuracy - b.meanConfidence), 0) : null;
  return { bins, ece };
}

/** Confidences of answers (labelled or not) per bin: count and Σ confidence. */
export interface ConfidenceCell {
  bin: number;
  count: number;
  sumConfidence: number;
}

export interface AccuracyEstimate {
  /** Expected accuracy: the mean probability that each answer is right. An estimate, not a measurement. */
  estimate: number | null;
  /** ± about two standard errors of the estimate, from the per-answer Bernoulli variances. */
  margin: number | null;
  answers: number;
  /** `calibrated`: confidences mapped through the accuracy observed per bin on labelled answers; `raw`: taken as they are. */
  basis: 'calibrated' | 'raw';
}

/** Labelled answers a bin needs before its observed accuracy replaces the model's own confidence. */
export const MIN_LABELS_PER_CALIBRATION_BIN = 30;

/**
 * Confidence-based performance estimation (after NannyML's CBPE): if the probabilities are calibrated, the
 * top probability is the chance that the answer is right, so the mean over answers estimates accuracy without
 * any label. Where labels exist, bins with enough of them are recalibrated first (the accuracy observed at that
 * confidence replaces the confidence), which corrects an over- or under-confident model.
 */
export function estimateAccuracy(answers: readonly ConfidenceCell[], labelled: readonly CalibrationCell[] = []): AccuracyEstimate {
  const observed = new Map(labelled.filter((c) => c.count >= MIN_LABELS_PER_CALIBRATION_BIN).map((c) => [c.bin, c.correct / c.count]));
  let n = 0;
  let sum = 0;
  let variance = 0;
  for (const cell of answers) {
    if (cell.count <= 0) continue;
    const p = observed.get(cell.bin) ?? cell.sumConfidence / cell.count;
    n += cell.count;
    sum += p * cell.count;
    variance += p * (1 - p) * cell.count;
  }
  const basis = observed.size > 0 ? 'calibrated' : 'raw';
  if (n === 0) return { estimate: null, margin: null, answers: 0, basis };
  return { estimate: sum / n, margin: (2 * Math.sqrt(variance)) / n, answers: n, basis };
}

/** Share of answers that received feedback, and how long labels took (from per-label delays in ms). */
export function coverageAndDelay(
  answers: number,
  delaysMs: readonly number[],
): { coverage: number | null; medianDelayMs: number | null; p90DelayMs: number | null } {
  const sorted = [...delaysMs].sort((a, b) => a - b);
  return {
    coverage: answers > 0 ? Math.min(1, delaysMs.length / answers) : null,
    medianDelayMs: quantile(sorted, 0.5),
    p90DelayMs: quantile(sorted, 0.9),
  };
}

function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}
