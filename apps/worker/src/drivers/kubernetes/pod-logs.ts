import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { makeRedactor, parsePodLogLine, type ReplicaLogRecord, type ReplicaLogSource } from '@slipway/core';
import { LABELS } from './manifests';

/** The newest lines read from a pod at first; the kubelet keeps its own bounded, rotated file per container. */
const TAIL_LINES = 5_000;

/**
 * Replica logs on Kubernetes: the pod log API of the pod that carries the replica's label. The kubelet keeps the
 * container's output (bounded and rotated by the node); lines are redacted as they are read, like the local driver's.
 * Following polls with `sinceSeconds` and drops the lines already given, by their nanosecond timestamps.
 */
export class PodLogSource implements ReplicaLogSource {
  private readonly core: CoreV1Api;
  private readonly redact = makeRedactor();

  constructor(
    kubeConfig: KubeConfig,
    private readonly options: { namespaces: () => Promise<string[]>; container?: string; clock?: () => number },
  ) {
    this.core = kubeConfig.makeApiClient(CoreV1Api);
  }

  async read(replicaId: string): Promise<ReplicaLogRecord[]> {
    return (await this.fetch(replicaId, { tailLines: TAIL_LINES })).map(({ record }) => record);
  }

  async follow(replicaId: string): Promise<{ initial: ReplicaLogRecord[]; next(): Promise<ReplicaLogRecord[]> }> {
    const clock = this.options.clock ?? Date.now;
    const initial = await this.fetch(replicaId, { tailLines: TAIL_LINES });
    let last = initial.at(-1)?.stamp ?? '';
    let lastAt = initial.length ? Date.parse(initial.at(-1)!.record.t) : clock();
    const next = async () => {
      const sinceSeconds = Math.max(1, Math.ceil((clock() - lastAt) / 1000) + 1);
      const fresh = (await this.fetch(replicaId, { sinceSeconds })).filter(({ stamp }) => stamp > last);
      if (fresh.length) {
        last = fresh.at(-1)!.stamp;
        lastAt = Date.parse(fresh.at(-1)!.record.t);
      }
      return fresh.map(({ record }) => record);
    };
    return { initial: initial.map(({ record }) => record), next };
  }

  /** Lines with their raw RFC 3339 stamps (nanoseconds: they order and deduplicate where milliseconds would not). */
  private async fetch(replicaId: string, window: { tailLines?: number; sinceSeconds?: number }): Promise<{ stamp: string; record: ReplicaLogRecord }[]> {
    const pod = await this.podOf(replicaId);
    if (!pod) return [];
    let text: string;
    try {
      text = await this.core.readNamespacedPodLog({
        ...pod,
        timestamps: true,
        ...(this.options.container && { container: this.options.container }),
        ...window,
      });
    } catch {
      return []; // Deleted between the list and the read: its logs went with it.
    }
    const lines: { stamp: string; record: ReplicaLogRecord }[] = [];
    for (const raw of text.split('\n')) {
      const record = parsePodLogLine(raw);
      if (record) lines.push({ stamp: raw.slice(0, raw.indexOf(' ')), record: { ...record, l: this.redact(record.l) } });
    }
    return lines;
  }

  private async podOf(replicaId: string): Promise<{ namespace: string; name: string } | null> {
    for (const namespace of await this.options.namespaces()) {
      const pods = await this.core.listNamespacedPod({ namespace, labelSelector: `${LABELS.replica}=${replicaId}` });
      const name = pods.items[0]?.metadata?.name;
      if (name) return { namespace, name };
    }
    return null;
  }
}
