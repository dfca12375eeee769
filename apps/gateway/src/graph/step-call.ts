import { IncomingMessage } from 'node:http';
import type { GraphTensor } from '@slipway/core';
import type { RoutedDeployment } from '@slipway/queue';
import type { FramedTransport } from '../framed-client';
import { ConnectionFailedError, forward, type UpstreamAnswer } from '../forward';
import type { InFlightTracker } from '../in-flight';
import type { OutlierDetector } from '../outliers';
import type { RouteTarget, RoutedVariant, RoutingState } from '../routing-state';
import { chooseVariant } from '../upstream';
import type { Waker } from '../wake';
import { StepCallError } from './execute';

export interface StepCallerDeps {
  routing: Pick<RoutingState, 'deployment' | 'nextReplica' | 'pick' | 'onReplace'>;
  outliers: Pick<OutlierDetector, 'isEjected' | 'eject'>;
  framed: FramedTransport | undefined;
  waker: Pick<Waker, 'wake'>;
  inFlight: Pick<InFlightTracker, 'enter' | 'leave'>;
  /** A node's answer, counted for the node's own deployment and variant (its metrics, rollups and autoscaling). */
  observe(deployment: string, variantId: string, status: number, latencyMs: number): void;
}

/**
 * One call of a graph's step, through the same routing as a caller's request to that deployment: its
 * variants by weight (so a node's canary takes its share), its replicas round-robin past ejected ones over
 * the framed transport, and a node asleep is woken and waited for. Tensors travel as OIP JSON.
 */
export class StepCaller {
  private readonly waiting = new Set<() => void>();

  constructor(private readonly deps: StepCallerDeps) {
    deps.routing.onReplace(() => {
      for (const recheck of [...this.waiting]) recheck();
    });
  }

  call(deployment: string, inputs: GraphTensor[], timeoutMs: number, tried: Set<string> = new Set()): Promise<{ outputs: GraphTensor[]; variant?: string }> {
    const body = Buffer.from(JSON.stringify({ inputs }));
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new StepCallError(`no answer within ${timeoutMs} ms`, 'timeout', false)), timeoutMs);
    });
    const cancelled = { value: false };
    return Promise.race([this.send(deployment, body, cancelled, tried), deadline]).finally(() => {
      cancelled.value = true;
      clearTimeout(timer);
    });
  }

  private async send(name: string, body: Buffer, cancelled: { value: boolean }, tried: Set<string>) {
    let deployment = this.deps.routing.deployment(name);
    if (!deployment) throw new StepCallError(`no deployment named '${name}' is serving`, 'failed', true);
    const unit = Math.random();
    let variant = chooseVariant(deployment, unit, undefined);
    if (variant && variant.replicas.length === 0) {
      deployment = await this.awaitReplica(deployment, unit, cancelled);
      variant = chooseVariant(deployment, unit, undefined);
    }
    const failed = new Set<string>();
    for (;;) {
      const target = this.target(deployment, variant, unit, failed, tried);
      if (!target) throw new StepCallError(failed.size > 0 ? 'no replica answered' : 'no ready replica', 'failed', true);
      const started = performance.now();
      tried.add(target.replica.address);
      this.deps.inFlight.enter(target.variant.id);
      try {
        const answer = await readAnswer(await forward(this.deps.framed, target.replica, 'POST', `/v2/models/${name}/infer`, 'application/json', body));
        this.deps.observe(name, target.variant.id, answer.status, performance.now() - started);
        return { outputs: outputsOf(answer), variant: target.variant.name };
      } catch (error) {
        if (!(error instanceof ConnectionFailedError)) throw error;
        failed.add(target.replica.address);
        this.deps.outliers.eject(target.replica.address);
      } finally {
        this.deps.inFlight.leave(target.variant.id);
      }
    }
  }

  /** The chosen variant's next replica not failed, ejected or tried by an earlier attempt; else any other that may take it. */
  private target(
    deployment: RoutedDeployment,
    variant: RoutedVariant | undefined,
    unit: number,
    failed: ReadonlySet<string>,
    tried: ReadonlySet<string>,
  ): RouteTarget | undefined {
    const isExcluded = (address: string) => failed.has(address) || this.deps.outliers.isEjected(address);
    const replica =
      variant && (this.deps.routing.nextReplica(variant, (a) => isExcluded(a) || tried.has(a)) ?? this.deps.routing.nextReplica(variant, isExcluded));
    if (variant && replica) return { variant, replica };
    return this.deps.routing.pick(deployment, { unit, isExcluded }) ?? this.deps.routing.pick(deployment, { unit, isExcluded: (a) => failed.has(a) });
  }

  /** Wakes the node and waits for a routing update that gives its chosen variant a replica (the step's timeout bounds the wait). */
  private awaitReplica(deployment: RoutedDeployment, unit: number, cancelled: { value: boolean }): Promise<RoutedDeployment> {
    this.deps.waker.wake(deployment);
    return new Promise((resolve, reject) => {
      const recheck = () => {
        const current = this.deps.routing.deployment(deployment.name);
        if (cancelled.value) return void this.waiting.delete(recheck);
        if (!current) {
          this.waiting.delete(recheck);
          return reject(new StepCallError(`'${deployment.name}' stopped serving`, 'failed', false));
        }
        if ((chooseVariant(current, unit, undefined)?.replicas.length ?? 0) === 0) return this.deps.waker.wake(current);
        this.waiting.delete(recheck);
        resolve(current);
      };
      this.waiting.add(recheck);
    });
  }
}

async function readAnswer(upstream: UpstreamAnswer): Promise<{ status: number; body: Buffer }> {
  if (!(upstream instanceof IncomingMessage)) return { status: upstream.status, body: upstream.body };
  const chunks: Buffer[] = [];
  for await (const chunk of upstream) chunks.push(chunk as Buffer);
  return { status: upstream.statusCode ?? 502, body: Buffer.concat(chunks) };
}

/** The OIP answer's outputs; a 4xx is the step refusing its input, a 5xx its failure (retryable). */
function outputsOf({ status, body }: { status: number; body: Buffer }): GraphTensor[] {
  let parsed: { outputs?: GraphTensor[]; error?: unknown } | undefined;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (status >= 200 && status < 300 && Array.isArray(parsed?.outputs)) return parsed.outputs;
  const error = parsed?.error;
  const message = typeof error === 'string' ? error : `HTTP ${status}`;
  if (status >= 400 && status < 500) throw new StepCallError(message, 'refused', false);
  throw new StepCallError(`${message} (HTTP ${status})`, 'failed', true);
}
