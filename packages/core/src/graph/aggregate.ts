import type { AggregatorName, Condition } from './spec';

/** A tensor as the Open Inference Protocol's JSON carries it: flat row-major data. */
export interface GraphTensor {
  name: string;
  datatype: string;
  shape: number[];
  data: (number | string | boolean)[];
}

/** A value the graph cannot combine at run time (members answered differently shaped tensors): the request's fault or the graph's. */
export class AggregationError extends Error {}

export interface AggregateOptions {
  method: AggregatorName;
  /** One tensor per member, in member order. */
  tensors: readonly GraphTensor[];
  /** `weighted_mean`: one per member. */
  weights?: readonly number[];
  /** `vote`: each member's class probabilities `[batch, classes]`, whose mean breaks ties. */
  probabilities?: readonly GraphTensor[];
  output: string;
}

/** Combines the members' tensors by the ensemble's aggregator (pure). */
export function aggregate(options: AggregateOptions): GraphTensor {
  const { tensors } = options;
  const first = tensors[0];
  if (!first) throw new AggregationError('no member answered');
  if (options.method === 'concat') return concat(tensors, options.output);
  for (const t of tensors) {
    if (t.shape.join() !== first.shape.join()) {
      throw new AggregationError(`members answered '${first.name}' in different shapes: [${first.shape.join(', ')}] and [${t.shape.join(', ')}]`);
    }
  }
  if (options.method === 'vote') return vote(tensors, options.probabilities, options.output);
  const weights = options.method === 'weighted_mean' ? (options.weights ?? []) : tensors.map(() => 1);
  return weightedMean(tensors, weights, options.output);
}

function weightedMean(tensors: readonly GraphTensor[], weights: readonly number[], output: string): GraphTensor {
  const total = weights.reduce((a, b) => a + b, 0);
  if (!(total > 0)) throw new AggregationError('the weights of the members that answered sum to 0');
  const first = tensors[0]!;
  const data = first.data.map((_, i) => tensors.reduce((sum, t, m) => sum + Number(t.data[i]) * weights[m]!, 0) / total);
  return { name: output, datatype: first.datatype, shape: [...first.shape], data };
}

/**
 * Majority vote per row over a label tensor (`[batch]` or `[batch, 1]`); a tie goes to the tied label with
 * the highest mean probability across members, and without probabilities to the lowest label.
 */
function vote(labels: readonly GraphTensor[], probabilities: readonly GraphTensor[] | undefined, output: string): GraphTensor {
  const first = labels[0]!;
  const rows = first.data.length;
  const data = Array.from({ length: rows }, (_, row) => {
    const counts = new Map<number, number>();
    for (const t of labels) counts.set(Number(t.data[row]), (counts.get(Number(t.data[row])) ?? 0) + 1);
    const most = Math.max(...counts.values());
    const tied = [...counts].filter(([, n]) => n === most).map(([label]) => label);
    if (tied.length === 1) return tied[0]!;
    return breakTie(
      tied.sort((a, b) => a - b),
      row,
      probabilities,
    );
  });
  return { name: output, datatype: first.datatype, shape: [...first.shape], data };
}

function breakTie(tied: number[], row: number, probabilities: readonly GraphTensor[] | undefined): number {
  if (!probabilities || probabilities.length === 0) return tied[0]!;
  const meanOf = (label: number) =>
    probabilities.reduce((sum, p) => {
      const classes = p.shape.at(-1) ?? 0;
      return sum + Number(p.data[row * classes + label] ?? 0);
    }, 0) / probabilities.length;
  return tied.reduce((best, label) => (meanOf(label) > meanOf(best) ? label : best));
}

/** Joins the members' tensors along the last axis; every other dimension must agree. */
function concat(tensors: readonly GraphTensor[], output: string): GraphTensor {
  const first = tensors[0]!;
  const outer = first.shape.slice(0, -1);
  for (const t of tensors) {
    if (t.shape.length !== first.shape.length || t.shape.slice(0, -1).join() !== outer.join()) {
      throw new AggregationError(`members answered tensors that cannot be concatenated: [${first.shape.join(', ')}] and [${t.shape.join(', ')}]`);
    }
  }
  const rows = outer.reduce((a, b) => a * b, 1);
  const data: GraphTensor['data'] = [];
  for (let row = 0; row < rows; row++) {
    for (const t of tensors) {
      const width = t.shape.at(-1) ?? 1;
      for (let j = 0; j < width; j++) data.push(t.data[row * width + j]!);
    }
  }
  const width = tensors.reduce((sum, t) => sum + (t.shape.at(-1) ?? 1), 0);
  return { name: output, datatype: first.datatype, shape: [...outer, width], data };
}

/** A condition on a scalar tensor: its one value compared with the condition's number. */
export function conditionHolds(condition: Condition, tensor: GraphTensor): boolean {
  if (tensor.data.length !== 1) {
    throw new AggregationError(
      `condition '${condition.text}' needs one value, '${condition.ref.step}.${condition.ref.tensor}' has ${tensor.data.length} values`,
    );
  }
  const value = Number(tensor.data[0]);
  switch (condition.op) {
    case '==':
      return value === condition.value;
    case '!=':
      return value !== condition.value;
    case '<':
      return value < condition.value;
    case '<=':
      return value <= condition.value;
    case '>':
      return value > condition.value;
    case '>=':
      return value >= condition.value;
  }
}
