import { type GraphSpec, graphSpecSchema, pickWeighted } from '@slipway/core';
import { channels, routingTableSchema, type RoutedDeployment, type RoutedGraph, type RoutingTable } from '@slipway/queue';
import type { Redis } from 'ioredis';

export type RoutedVariant = RoutedDeployment['variants'][number];
export type RoutedReplica = RoutedVariant['replicas'][number];

/** A serving graph with its spec parsed once per routing table. */
export interface ServingGraph extends RoutedGraph {
  parsed: GraphSpec;
}

export interface RouteTarget {
  variant: RoutedVariant;
  replica: RoutedReplica;
}

export interface PickOptions {
  /** A number in [0, 1): random per request, or a hash of a sticky key. */
  unit: number;
  /** Variant name from a debugging header: only variants of that name, still by weight among them. */
  pinned?: string;
  /** Replicas not to use (failed just now, or ejected as outliers). */
  isExcluded: (address: string) => boolean;
}

/**
 * The routing table held in memory. Loaded once from Redis at start, then replaced whenever
 * the worker publishes a new one: the request path never waits on Redis or Postgres.
 */
export class RoutingState {
  private table: RoutingTable = { generatedAt: new Date(0).toISOString(), deployments: {} };
  private readonly cursors = new Map<string, number>();
  private readonly listeners: (() => void)[] = [];
  private graphs = new Map<string, ServingGraph>();

  /** Variant id -> deployment id of every canary candidate in the table. */
  private candidates = new Map<string, string>();

  replace(table: RoutingTable): void {
    this.table = table;
    const graphs = new Map<string, ServingGraph>();
    for (const [name, graph] of Object.entries(table.graphs ?? {})) {
      // The web type-checked and stored it: a spec that no longer parses is not served rather than half-run.
      const parsed = graphSpecSchema.safeParse(graph.spec);
      if (parsed.success) graphs.set(name, { ...graph, parsed: parsed.data });
    }
    this.graphs = graphs;
    this.candidates = new Map(Object.values(table.deployments).flatMap((d) => (d.canary?.candidates ?? []).map((id) => [id, d.id] as const)));
    for (const listener of this.listeners) listener();
  }

  /** Runs after every new table (held requests may now have a replica). */
  onReplace(listener: () => void): void {
    this.listeners.push(listener);
  }

  deployment(name: string): RoutedDeployment | undefined {
    return this.table.deployments[name];
  }

  graph(name: string): ServingGraph | undefined {
    return this.graphs.get(name);
  }

  /** The deployment whose canary step judges this variant as its candidate, if any. */
  canaryOf(variantId: string): string | undefined {
    return this.candidates.get(variantId);
  }

  variantIds(): string[] {
    return Object.values(this.table.deployments).flatMap((d) => d.variants.map((v) => v.id));
  }

  /**
   * A serving variant by weight (among those of the pinned name, if any), then one of its replicas
   * round-robin. Shadows and weight-0 variants never take callers' traffic, pinned or not.
   */
  pick(deployment: RoutedDeployment, options: PickOptions): RouteTarget | undefined {
    const candidates = deployment.variants.filter(
      (v) => v.weight > 0 && (options.pinned === undefined || v.name === options.pinned) && v.replicas.some((r) => !options.isExcluded(r.address)),
    );
    const variant = pickWeighted(candidates, options.unit);
    if (!variant) return undefined;
    const replica = this.nextReplica(variant, options.isExcluded);
    return replica ? { variant, replica } : undefined;
  }

  nextReplica(variant: RoutedVariant, isExcluded: (address: string) => boolean = () => false): RoutedReplica | undefined {
    const replicas = variant.replicas.filter((r) => !isExcluded(r.address));
    if (replicas.length === 0) return undefined;
    const cursor = (this.cursors.get(variant.id) ?? 0) + 1;
    this.cursors.set(variant.id, cursor);
    return replicas[cursor % replicas.length];
  }

  /** Loads the current table and follows updates on the routing channel. */
  async follow(redis: Redis, subscriber: Redis, prefix: string, onOther?: (channel: string) => void): Promise<void> {
    const names = channels(prefix);
    subscriber.on('message', (channel: string, message: string) => {
      if (channel === names.routingChanged) this.replace(routingTableSchema.parse(JSON.parse(message)));
      else onOther?.(channel);
    });
    await subscriber.subscribe(names.routingChanged, names.apiKeysChanged);
    const stored = await redis.get(names.routingKey);
    if (stored) this.replace(routingTableSchema.parse(JSON.parse(stored)));
  }
}
