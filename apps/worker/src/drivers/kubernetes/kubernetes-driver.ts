import { EventEmitter } from 'node:events';
import {
  ApiException,
  KubeConfig,
  KubernetesObjectApi,
  makeInformer,
  PatchStrategy,
  type Informer,
  type KubernetesObject,
  type ObjectCache,
  type V1Deployment,
  type V1EndpointSlice,
  type V1Pod,
} from '@kubernetes/client-node';
import { framedAddress } from '@slipway/core';
import { DriverError, type PlacedReplica, ReadyTimeoutError, type ReplicaDriver, type ReplicaExitListener, type ReplicaRef, type ReplicaSpec } from '../driver';
import { podEndpoints } from './endpoints';
import {
  buildTeamResourceQuota,
  buildVariantDeployment,
  buildVariantService,
  type ClusterOptions,
  DELETION_COST_ANNOTATION,
  FIELD_MANAGER,
  FRAMED_PORT,
  LABELS,
  labelValue,
  namespaceFor,
  ownerSelector,
  RUNTIME_PORT,
  type TeamQuota,
  variantObjectName,
  type VariantPlacement,
} from './manifests';
import { describeQuotaRefusal, describePodProblem, describeRolloutProblem } from './rollout-status';

export interface KubernetesDriverOptions extends ClusterOptions {
  kubeConfig: KubeConfig;
  /** How long start() waits for the cluster to create and schedule a pod for the replica. */
  placeTimeoutMs: number;
  /** The team's compute quota and the catalog's GPU types, mirrored as a ResourceQuota in per-team namespaces. */
  teamQuota?: (teamId: string) => Promise<{ quota: TeamQuota; catalogGpuTypes: string[] }>;
  log?: (line: string) => void;
}

/** A replica this driver is placing or has placed: which variant's Deployment, and the pod it claimed. */
interface Claim {
  namespace: string;
  deployment: string;
  variantId: string;
  pod: string | null;
  /** Its pod vanished without stop(): it still counts until stop() gives the count back. */
  gone?: boolean;
}

const INFORMER_RETRY_MS = 1_000;
const STOP_MARGIN_MS = 10_000;

/**
 * Places replicas as pods of one Deployment per variant. The controller keeps thinking in replicas: each start()
 * raises the variant's Deployment by one and claims the new pod for the replica (a label on the pod, written with
 * the pod's resourceVersion so two claims of one pod cannot both win); stop() marks the pod cheapest to delete,
 * lowers the count and deletes it. Pods, Deployments and EndpointSlices are watched (list + watch, relisting after
 * 410 Gone): readiness comes from the EndpointSlices of each variant's headless Service, so the gateway keeps
 * balancing per pod through the routing table the controller publishes.
 */
export class KubernetesDriver implements ReplicaDriver {
  readonly name = 'kubernetes';
  private readonly api: KubernetesObjectApi;
  private readonly claims = new Map<string, Claim>();
  private readonly stopping = new Map<string, Promise<void>>();
  private readonly exitListeners: ReplicaExitListener[] = [];
  private readonly changes = new EventEmitter();
  /** Operations on one variant's Deployment run one at a time, so counts are never computed from a stale view. */
  private readonly variantQueues = new Map<string, Promise<unknown>>();
  private readonly informers: (Informer<KubernetesObject> & ObjectCache<KubernetesObject>)[] = [];
  private pods!: ObjectCache<V1Pod>;
  private deployments!: ObjectCache<V1Deployment>;
  private slices!: ObjectCache<V1EndpointSlice>;
  private closed = false;

  private constructor(private readonly options: KubernetesDriverOptions) {
    this.api = KubernetesObjectApi.makeApiClient(options.kubeConfig);
    this.changes.setMaxListeners(0);
  }

  /** Connects and waits until the first list of pods, Deployments and EndpointSlices is in the cache. */
  static async connect(options: KubernetesDriverOptions): Promise<KubernetesDriver> {
    const driver = new KubernetesDriver(options);
    await driver.watch();
    await driver.trimUnclaimed();
    return driver;
  }

  async start(spec: ReplicaSpec): Promise<PlacedReplica> {
    if (spec.service) {
      throw new DriverError('services (runtime: service) run on the local driver for now; the Kubernetes driver places model replicas only');
    }
    if (spec.gpuCount > 0 && !this.options.gpuImage) {
      throw new DriverError('needs a GPU, but no GPU runtime image is configured (SLIPWAY_K8S_RUNTIME_GPU_IMAGE); pick a CPU machine type');
    }
    if (spec.python && !this.options.pythonImage) {
      throw new DriverError(
        'is a Python model, but no Python runtime image is configured (SLIPWAY_K8S_PYTHON_RUNTIME_IMAGE, built from deploy/python-runtime.Dockerfile)',
      );
    }
    if (spec.python?.installsPackages) {
      // Pods run the Python image's own python3: a version's requirements and wheels are built only on worker hosts.
      throw new DriverError(
        'installs packages (requirements.txt or wheels/), which Python pods cannot yet: deploy it with the local driver, or bake them into the Python runtime image',
      );
    }
    const placement = placementOf(spec);
    const namespace = namespaceFor(this.options, placement.teamId);
    const claim: Claim = { namespace, deployment: variantObjectName(placement), variantId: placement.variantId, pod: null };
    this.claims.set(spec.replicaId, claim);
    try {
      await this.applyTeamQuota(placement.teamId);
      await this.serialized(claim, async () => {
        await this.apply(buildVariantService(placement, this.options));
        await this.apply(buildVariantDeployment(placement, this.wantedCount(claim), this.options));
      });
      const pod = await this.claimPod(spec.replicaId, claim);
      const ip = await this.until(() => this.podNamed(namespace, pod)?.status?.podIP, this.options.placeTimeoutMs);
      if (!ip) throw new ReadyTimeoutError(`pod ${pod} got no IP address within ${seconds(this.options.placeTimeoutMs)} s`);
      return { address: `http://${ip.includes(':') ? `[${ip}]` : ip}:${RUNTIME_PORT}`, framedAddress: framedAddress(ip, FRAMED_PORT), pid: null };
    } catch (error) {
      if (claim.pod === null) {
        // Nothing placed: give the count back.
        this.claims.delete(spec.replicaId);
        await this.serialized(claim, () => this.scaleTo(claim)).catch(() => undefined);
      }
      throw error;
    }
  }

  async waitReady(replica: PlacedReplica, timeoutMs: number): Promise<void> {
    // A pod that vanished (evicted, its node lost) is worth another start: retryable, like a timeout.
    const pod = this.podAt(replica.address);
    if (!pod) throw new ReadyTimeoutError(`no pod of this platform has the address ${replica.address} any more`);
    const namespace = pod.metadata!.namespace!;
    const name = pod.metadata!.name!;
    let problem: string | null = null;
    const ready = await this.until(() => {
      const current = this.podNamed(namespace, name);
      if (!current || current.metadata?.deletionTimestamp) throw new ReadyTimeoutError(`pod ${name} was deleted before it became ready`);
      if (podEndpoints(this.slices.list(namespace)).get(name)?.ready) return true;
      const deployment = this.deploymentOf(current);
      const found = deployment ? describeRolloutProblem(deployment, [current]) : describePodProblem(current);
      if (found?.terminal) throw new DriverError(found.message);
      problem = found?.message ?? null;
      return undefined;
    }, timeoutMs);
    if (!ready) throw new ReadyTimeoutError(`pod ${name} was not ready within ${seconds(timeoutMs)} s${problem ? `: ${problem}` : ''}`);
  }

  stop(replica: ReplicaRef): Promise<void> {
    let stopping = this.stopping.get(replica.id);
    if (!stopping) {
      stopping = this.remove(replica.id).finally(() => {
        this.stopping.delete(replica.id);
        this.claims.delete(replica.id);
      });
      this.stopping.set(replica.id, stopping);
    }
    return stopping;
  }

  isAlive({ id }: ReplicaRef): boolean {
    const claim = this.claims.get(id);
    if (claim?.gone) return false;
    if (claim && claim.pod === null) return true;
    const pod = claim?.pod ? this.podNamed(claim.namespace, claim.pod) : this.claimedPod(id);
    return !!pod && !pod.metadata?.deletionTimestamp;
  }

  running(): ReplicaRef[] {
    return this.pods
      .list()
      .filter((pod) => pod.metadata?.labels?.[LABELS.replica] && !pod.metadata.deletionTimestamp)
      .map((pod) => ({ id: pod.metadata!.labels![LABELS.replica]!, pid: null }));
  }

  onExit(listener: ReplicaExitListener): void {
    this.exitListeners.push(listener);
  }

  /** Stops watching. Pods keep serving: a restarted or rolled worker adopts them (unlike the local driver's children). */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.informers.map((informer) => informer.stop()));
  }

  private async watch(): Promise<void> {
    const selector = ownerSelector(this.options);
    const ns = this.options.namespace.mode === 'single' ? this.options.namespace.name : undefined;
    const path = (group: string, plural: string) => `${group}${ns ? `/namespaces/${ns}` : ''}/${plural}`;
    const make = <T extends KubernetesObject>(apiVersion: string, kind: string, group: string, plural: string) => {
      const informer = makeInformer<T>(
        this.options.kubeConfig,
        path(group, plural),
        () => this.api.list<T>(apiVersion, kind, ns, undefined, undefined, undefined, undefined, selector),
        selector,
      );
      informer.on('change', () => this.changes.emit('change'));
      // An informer stops on an error other than 410 Gone (which relists by itself): start it again.
      informer.on('error', (error) => {
        if (this.closed) return;
        this.options.log?.(`[kubernetes] watch of ${plural} failed (${error instanceof Error ? error.message : String(error)}); retrying`);
        setTimeout(() => void informer.start().catch(() => undefined), INFORMER_RETRY_MS).unref();
      });
      this.informers.push(informer as unknown as Informer<KubernetesObject> & ObjectCache<KubernetesObject>);
      return informer;
    };
    const pods = make<V1Pod>('v1', 'Pod', '/api/v1', 'pods');
    pods.on('delete', (pod) => this.podGone(pod));
    this.pods = pods;
    this.deployments = make<V1Deployment>('apps/v1', 'Deployment', '/apis/apps/v1', 'deployments');
    this.slices = make<V1EndpointSlice>('discovery.k8s.io/v1', 'EndpointSlice', '/apis/discovery.k8s.io/v1', 'endpointslices');
    await Promise.all(this.informers.map((informer) => informer.start()));
  }

  /** A claimed pod vanished without stop(): evicted, its node lost, deleted by someone. */
  private podGone(pod: V1Pod): void {
    const id = pod.metadata?.labels?.[LABELS.replica];
    if (!id || this.stopping.has(id)) return;
    // The controller stops the replica it replaces; until then the ReplicaSet's new pod waits for that replacement.
    const variantId = pod.metadata!.labels![LABELS.variant]!;
    const deployment = this.deploymentOf(pod)?.metadata?.name ?? '';
    this.claims.set(id, { namespace: pod.metadata!.namespace!, deployment, variantId, pod: null, gone: true });
    const terminated = pod.status?.containerStatuses?.find((s) => s.name === 'runtime')?.state?.terminated;
    const reason = pod.status?.reason ? `its pod was ${pod.status.reason.toLowerCase()}` : `its pod ${pod.metadata!.name} was deleted`;
    for (const listener of this.exitListeners) listener(id, { code: terminated?.exitCode ?? null, signal: null, reason });
  }

  /**
   * After a restart: a Deployment may hold pods an earlier worker asked for but never claimed (it died in between).
   * Nobody waits for them, so the count goes back to the claimed pods.
   */
  private async trimUnclaimed(): Promise<void> {
    for (const deployment of this.deployments.list()) {
      const namespace = deployment.metadata!.namespace!;
      const variantId = deployment.spec?.selector?.matchLabels?.[LABELS.variant];
      if (!variantId) continue;
      const claim: Claim = { namespace, deployment: deployment.metadata!.name!, variantId, pod: null };
      const wanted = this.wantedCount(claim);
      if (deployment.spec?.replicas !== wanted) await this.serialized(claim, () => this.scaleTo(claim));
    }
  }

  /** Replicas of a variant: claims this driver holds plus pods other workers claimed, minus those stopping. */
  private wantedCount(claim: Claim): number {
    const ids = new Set<string>();
    for (const [id, c] of this.claims) if (c.namespace === claim.namespace && c.variantId === claim.variantId) ids.add(id);
    for (const pod of this.variantPods(claim)) {
      const id = pod.metadata?.labels?.[LABELS.replica];
      if (id && !pod.metadata?.deletionTimestamp) ids.add(id);
    }
    for (const id of this.stopping.keys()) ids.delete(id);
    return ids.size;
  }

  private variantPods(claim: Pick<Claim, 'namespace' | 'variantId'>): V1Pod[] {
    return this.pods.list(claim.namespace).filter((pod) => pod.metadata?.labels?.[LABELS.variant] === labelValue(claim.variantId));
  }

  /** Waits for a pod of the variant nobody has claimed and labels it with the replica id. */
  private async claimPod(replicaId: string, claim: Claim): Promise<string> {
    const deadline = Date.now() + this.options.placeTimeoutMs;
    let problem: string | null = null;
    // Pod versions a claim already failed on: wait for the watch to bring a newer one rather than retry at once.
    const tried = new Set<string>();
    while (Date.now() < deadline) {
      const candidates = await this.until(() => {
        const free = this.variantPods(claim).filter(
          (p) => !p.metadata?.labels?.[LABELS.replica] && !p.metadata?.deletionTimestamp && !this.pendingClaim(p) && !tried.has(versionOf(p)),
        );
        if (free.length > 0) return free;
        const deployment = this.deployments.get(claim.deployment, claim.namespace);
        const found = deployment ? describeRolloutProblem(deployment, this.variantPods(claim)) : null;
        if (found?.terminal) throw new DriverError(found.message);
        problem = found?.message ?? null;
        return undefined;
      }, deadline - Date.now());
      for (const pod of candidates ?? []) {
        const name = pod.metadata!.name!;
        tried.add(versionOf(pod));
        claim.pod = name;
        try {
          await this.api.patch(
            {
              apiVersion: 'v1',
              kind: 'Pod',
              metadata: { name, namespace: claim.namespace, resourceVersion: pod.metadata!.resourceVersion, labels: { [LABELS.replica]: replicaId } },
            },
            undefined,
            undefined,
            FIELD_MANAGER,
            undefined,
            PatchStrategy.MergePatch,
          );
          return name;
        } catch (error) {
          claim.pod = null;
          // 409: the pod changed (claimed elsewhere, or just updated); 404: it is gone. Try the next one.
          if (!(error instanceof ApiException) || (error.code !== 409 && error.code !== 404)) throw this.explain(error, claim.namespace);
        }
      }
    }
    throw new ReadyTimeoutError(`no pod was created for the replica within ${seconds(this.options.placeTimeoutMs)} s${problem ? `: ${problem}` : ''}`);
  }

  /** A claim of this driver is being written for the pod (its label is not in the cache yet). */
  private pendingClaim(pod: V1Pod): boolean {
    for (const c of this.claims.values()) if (c.pod === pod.metadata?.name && c.namespace === pod.metadata?.namespace) return true;
    return false;
  }

  private async remove(replicaId: string): Promise<void> {
    const claim = this.claims.get(replicaId);
    const pod = claim?.pod ? this.podNamed(claim.namespace, claim.pod) : this.claimedPod(replicaId);
    if (!pod) {
      if (claim) await this.serialized(claim, () => this.scaleTo(claim));
      return;
    }
    const namespace = pod.metadata!.namespace!;
    const name = pod.metadata!.name!;
    const target: Claim = {
      namespace,
      deployment: this.deploymentOf(pod)?.metadata?.name ?? claim?.deployment ?? '',
      variantId: pod.metadata!.labels![LABELS.variant]!,
      pod: name,
    };
    await this.serialized(target, async () => {
      await this.ignoreMissing(
        this.api.patch(
          { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, annotations: { [DELETION_COST_ANNOTATION]: '-2147483648' } } },
          undefined,
          undefined,
          FIELD_MANAGER,
          undefined,
          PatchStrategy.MergePatch,
        ),
      );
      await this.scaleTo(target);
      // The ReplicaSet picks the pod marked cheapest; deleting it as well covers a pick of another (e.g. pending) pod.
      await this.ignoreMissing(this.api.delete({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace } }));
    });
    const grace = (pod.spec?.terminationGracePeriodSeconds ?? this.options.drainSeconds) * 1000 + STOP_MARGIN_MS;
    const gone = await this.until(() => (this.podNamed(namespace, name) ? undefined : true), grace);
    if (!gone) this.options.log?.(`[kubernetes] pod ${name} still terminating after ${seconds(grace)} s`);
  }

  /** Sets the variant's Deployment to its wanted count; at zero the Deployment and its Service go (scale to zero). */
  private async scaleTo(claim: Claim): Promise<void> {
    const replicas = this.wantedCount(claim);
    const ref = { metadata: { name: claim.deployment, namespace: claim.namespace } };
    if (replicas === 0) {
      await this.ignoreMissing(
        this.api.delete({ apiVersion: 'apps/v1', kind: 'Deployment', ...ref }, undefined, undefined, undefined, undefined, 'Background'),
      );
      await this.ignoreMissing(this.api.delete({ apiVersion: 'v1', kind: 'Service', ...ref }));
      return;
    }
    await this.ignoreMissing(
      this.api.patch(
        { apiVersion: 'apps/v1', kind: 'Deployment', ...ref, spec: { replicas } } as V1Deployment,
        undefined,
        undefined,
        FIELD_MANAGER,
        undefined,
        PatchStrategy.MergePatch,
      ),
    );
  }

  private async applyTeamQuota(teamId: string): Promise<void> {
    if (this.options.namespace.mode !== 'per-team' || !this.options.teamQuota) return;
    const { quota, catalogGpuTypes } = await this.options.teamQuota(teamId);
    const resourceQuota = buildTeamResourceQuota(quota, catalogGpuTypes, this.options);
    if (resourceQuota) await this.apply(resourceQuota);
  }

  /** Server-side apply, forcing ownership of the fields this driver sets (it is their only rightful writer). */
  private async apply(object: KubernetesObject): Promise<void> {
    try {
      await this.api.patch(object, undefined, undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply);
    } catch (error) {
      throw this.explain(error, object.metadata?.namespace ?? '');
    }
  }

  /** A refusal from the API server as a DriverError in the user's words. */
  private explain(error: unknown, namespace: string): Error {
    if (!(error instanceof ApiException)) return error instanceof Error ? error : new Error(String(error));
    const message = statusMessage(error.body) ?? error.message;
    if (error.code === 403 && /exceeded quota/.test(message)) return new DriverError(describeQuotaRefusal(namespace, message));
    if (error.code === 403) return new DriverError(`the worker's service account may not do this in namespace ${namespace}: ${message}`);
    if (error.code === 404 && /namespaces? .*not found/.test(message))
      return new DriverError(`namespace ${namespace} does not exist; create it (see deploy/kubernetes)`);
    if (error.code === 422 || error.code === 400) return new DriverError(`the cluster rejected the replica's objects: ${message}`);
    return new Error(`Kubernetes API answered ${error.code}: ${message}`);
  }

  private async ignoreMissing(request: Promise<unknown>): Promise<void> {
    try {
      await request;
    } catch (error) {
      if (!(error instanceof ApiException && error.code === 404)) throw this.explain(error, '');
    }
  }

  private serialized<T>(claim: Pick<Claim, 'namespace' | 'variantId'>, work: () => Promise<T>): Promise<T> {
    const key = `${claim.namespace}/${claim.variantId}`;
    const run = (this.variantQueues.get(key) ?? Promise.resolve()).catch(() => undefined).then(work);
    this.variantQueues.set(key, run);
    return run;
  }

  private podNamed(namespace: string, name: string): V1Pod | undefined {
    return this.pods.get(name, namespace);
  }

  /** The Deployment of a pod's variant (its selector names the variant). */
  private deploymentOf(pod: V1Pod): V1Deployment | undefined {
    const variant = pod.metadata?.labels?.[LABELS.variant];
    return this.deployments.list(pod.metadata?.namespace).find((d) => d.spec?.selector?.matchLabels?.[LABELS.variant] === variant);
  }

  private claimedPod(replicaId: string): V1Pod | undefined {
    return this.pods.list().find((pod) => pod.metadata?.labels?.[LABELS.replica] === replicaId);
  }

  private podAt(address: string): V1Pod | undefined {
    const host = new URL(address).hostname.replace(/^\[|\]$/g, '');
    return this.pods.list().find((pod) => pod.status?.podIP === host && !pod.metadata?.deletionTimestamp);
  }

  /**
   * Re-evaluates `check` on every change the watches bring until it returns a value, or `undefined` after the
   * timeout. A `check` that throws ends the wait with its error.
   */
  private async until<T>(check: () => T | undefined, timeoutMs: number): Promise<T | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = check();
      if (value !== undefined) return value;
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.changes.off('change', done);
          resolve();
        };
        const timer = setTimeout(done, left);
        this.changes.on('change', done);
      });
    }
  }
}

function placementOf(spec: ReplicaSpec): VariantPlacement {
  return {
    deploymentName: spec.deploymentName,
    variantId: spec.variantId,
    variantName: spec.variantName,
    teamId: spec.teamId,
    revision: spec.revision,
    versionLabel: spec.versionLabel,
    versionDigest: spec.versionDigest,
    artifactFilename: spec.artifactFilename,
    modelFile: spec.modelFile,
    featureNames: spec.featureNames,
    token: spec.token,
    vcpu: spec.vcpu,
    memoryMb: spec.memoryMb,
    gpuType: spec.gpuType,
    gpuCount: spec.gpuCount,
    ...(spec.python && {
      python: {
        predictor: spec.python.predictor,
        signature: spec.python.signature,
        modelDir: spec.python.modelDir,
        predictTimeoutMs: spec.python.predictTimeoutMs,
        concurrency: spec.python.concurrency,
      },
    }),
  };
}

const versionOf = (pod: V1Pod) => `${pod.metadata?.name}@${pod.metadata?.resourceVersion}`;

function statusMessage(body: unknown): string | undefined {
  try {
    const status = (typeof body === 'string' ? JSON.parse(body) : body) as { message?: unknown };
    return typeof status?.message === 'string' ? status.message : undefined;
  } catch {
    return typeof body === 'string' && body ? body : undefined;
  }
}

const seconds = (ms: number) => Math.round(ms / 1000);

/** The kubeconfig: `KUBECONFIG` or ~/.kube/config, or the pod's service account when running in the cluster. */
export function loadKubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromDefault();
  return kc;
}
