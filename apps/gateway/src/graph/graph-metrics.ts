import { SecondsHistogram } from '../metrics';
import type { StepTiming } from './execute';

/** Per-step (node) counters and latency histograms of every graph, labelled by graph and node, in the Prometheus text format. */
export class GraphStepMetrics {
  private readonly outcomes = new Map<string, number>();
  private readonly durations = new SecondsHistogram(
    'slipway_graph_step_duration_seconds',
    "A graph step's duration, retries included, by graph and node.",
    [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  );

  observe(graph: string, steps: readonly StepTiming[]): void {
    for (const step of steps) {
      const labels = `graph="${graph}",node="${step.step}"`;
      const key = `${labels},outcome="${step.outcome}"`;
      this.outcomes.set(key, (this.outcomes.get(key) ?? 0) + 1);
      this.durations.observe(labels, step.durationMs / 1000);
    }
  }

  lines(): string[] {
    const lines = [
      '# HELP slipway_graph_step_requests_total Graph steps run, by graph, node and outcome (ok, failed, skipped: a soft step that failed).',
      '# TYPE slipway_graph_step_requests_total counter',
    ];
    for (const [labels, n] of this.outcomes) lines.push(`slipway_graph_step_requests_total{${labels}} ${n}`);
    lines.push(...this.durations.lines());
    return lines;
  }
}
