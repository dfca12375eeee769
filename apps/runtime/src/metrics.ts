import { LatencyHistogram } from '@slipway/core';

const DURATION_BOUNDS_MS = [0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];
const BATCH_BOUNDS = [1, 2, 4, 8, 16, 32, 64, 128, 256];

/** Runtime metrics in the Prometheus text format. */
export class RuntimeMetrics {
  private readonly requests = new Map<string, number>();
  private readonly duration = new LatencyHistogram(DURATION_BOUNDS_MS);
  private readonly batchSizes = new LatencyHistogram(BATCH_BOUNDS);

  record(protocol: string, status: number, durationMs: number): void {
    const key = `protocol="${protocol}",code="${status}"`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    this.duration.record(durationMs);
  }

  recordBatch(size: number): void {
    this.batchSizes.record(size);
  }

  /** `driftSeconds`: time spent on drift collection, when this replica collects. */
  render(model: string, state: { queueDepth: number; inFlight: number; driftSeconds?: number | undefined }): string {
    const { queueDepth, inFlight, driftSeconds } = state;
    const lines: string[] = [
      '# HELP slipway_runtime_requests_total Requests answered, by protocol and status.',
      '# TYPE slipway_runtime_requests_total counter',
    ];
    for (const [labels, n] of this.requests) lines.push(`slipway_runtime_requests_total{model="${model}",${labels}} ${n}`);
    lines.push(...histogramLines('slipway_runtime_request_duration_seconds', 'Request duration.', model, this.duration, 1 / 1000));
    lines.push(...histogramLines('slipway_runtime_batch_size', 'Rows per session.run.', model, this.batchSizes, 1));
    lines.push(
      '# HELP slipway_runtime_queue_depth Requests waiting for a batch.',
      '# TYPE slipway_runtime_queue_depth gauge',
      `slipway_runtime_queue_depth{model="${model}"} ${queueDepth}`,
      '# HELP slipway_runtime_in_flight Requests being handled.',
      '# TYPE slipway_runtime_in_flight gauge',
      `slipway_runtime_in_flight{model="${model}"} ${inFlight}`,
      // The process's own resources, as Prometheus client libraries name them: the worker samples replicas it cannot
      // read from /proc (Kubernetes pods) from these, and drift collection's share is read against the CPU.
      ...processLines(),
    );
    if (driftSeconds !== undefined) {
      lines.push(
        '# HELP slipway_runtime_drift_seconds_total Time spent sketching requests for drift monitoring and closing windows.',
        '# TYPE slipway_runtime_drift_seconds_total counter',
        `slipway_runtime_drift_seconds_total{model="${model}"} ${driftSeconds}`,
      );
    }
    return `${lines.join('\n')}\n`;
  }
}

function processLines(): string[] {
  const { user, system } = process.cpuUsage();
  return [
    '# HELP process_cpu_seconds_total User and system CPU time of this process.',
    '# TYPE process_cpu_seconds_total counter',
    `process_cpu_seconds_total ${(user + system) / 1e6}`,
    '# HELP process_resident_memory_bytes Resident memory size.',
    '# TYPE process_resident_memory_bytes gauge',
    `process_resident_memory_bytes ${process.memoryUsage.rss()}`,
    '# HELP process_start_time_seconds Start time of the process since the Unix epoch.',
    '# TYPE process_start_time_seconds gauge',
    `process_start_time_seconds ${performance.timeOrigin / 1000}`,
  ];
}

function histogramLines(name: string, help: string, model: string, histogram: LatencyHistogram, scale: number): string[] {
  const lines = [`# HELP ${name} ${help}`, `# TYPE ${name} histogram`];
  let cumulative = 0;
  histogram.bounds.forEach((bound, i) => {
    cumulative += histogram.counts[i]!;
    lines.push(`${name}_bucket{model="${model}",le="${bound * scale}"} ${cumulative}`);
  });
  lines.push(`${name}_bucket{model="${model}",le="+Inf"} ${histogram.count}`);
  lines.push(`${name}_sum{model="${model}"} ${histogram.sumMs * scale}`);
  lines.push(`${name}_count{model="${model}"} ${histogram.count}`);
  return lines;
}
