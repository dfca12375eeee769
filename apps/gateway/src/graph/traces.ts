import type { StepTiming } from './execute';

/** One graph request's trace: what the console's waterfall draws. */
export interface GraphTrace {
  traceId: string;
  graphId: string;
  graph: string;
  revision: number;
  status: number;
  durationMs: number;
  failed: boolean;
  steps: StepTiming[];
  at: Date;
}

/** Where kept traces go (the database, in the gateway; a list in tests). */
export type TraceSink = (traces: GraphTrace[]) => Promise<number>;

/**
 * Keeps a sample of successful traces (the graph's `traceSampleRate`) and every failed one, buffered in
 * memory (bounded) and written in one insert per rollup window.
 */
export class GraphTraces {
  private buffer: GraphTrace[] = [];
  private dropped = 0;

  constructor(
    private readonly sink: TraceSink,
    private readonly maxBuffered = 2_000,
    private readonly random: () => number = Math.random,
  ) {}

  /** True when kept. */
  offer(trace: GraphTrace, sampleRate: number): boolean {
    if (!trace.failed && this.random() >= sampleRate) return false;
    if (this.buffer.length >= this.maxBuffered) {
      this.dropped++;
      return false;
    }
    this.buffer.push(trace);
    return true;
  }

  async flush(): Promise<number> {
    const traces = this.buffer;
    this.buffer = [];
    if (traces.length === 0) return 0;
    return this.sink(traces);
  }

  metricLines(): string[] {
    return [
      '# HELP slipway_graph_traces_dropped_total Traces not kept because the buffer was full between two flushes.',
      '# TYPE slipway_graph_traces_dropped_total counter',
      `slipway_graph_traces_dropped_total ${this.dropped}`,
    ];
  }
}
