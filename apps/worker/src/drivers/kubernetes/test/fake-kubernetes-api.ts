import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';

/**
 * A FAKE Kubernetes API server for tests: no real one can run on this machine. It answers only what the
 * kubernetes driver calls, the way kube-apiserver does (discovery, list, get, watch from a resourceVersion with
 * 410 Gone once that version is compacted away, server-side apply, merge patch with a resourceVersion precondition
 * → 409, delete, Status bodies), and stands in for the cluster's controllers in the simplest way: a Deployment gets
 * pods (refused past a pod quota, as a ReplicaSet's FailedCreate), pods get IPs at once, and each Service's
 * EndpointSlice lists its pods with their readiness. Everything else is missing on purpose.
 */

type Obj = {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    resourceVersion?: string;
    [k: string]: unknown;
  };
  spec?: any;
  status?: any;
  [k: string]: unknown;
};

interface Resource {
  group: string; // '' for the core group
  version: string;
  plural: string;
  kind: string;
}

const RESOURCES: Resource[] = [
  { group: '', version: 'v1', plural: 'pods', kind: 'Pod' },
  { group: '', version: 'v1', plural: 'services', kind: 'Service' },
  { group: '', version: 'v1', plural: 'resourcequotas', kind: 'ResourceQuota' },
  { group: 'apps', version: 'v1', plural: 'deployments', kind: 'Deployment' },
  { group: 'discovery.k8s.io', version: 'v1', plural: 'endpointslices', kind: 'EndpointSlice' },
];

interface WatchEvent {
  rv: number;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  plural: string;
  object: Obj;
}

interface Watcher {
  plural: string;
  namespace?: string;
  selector: Record<string, string>;
  res: ServerResponse;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  contentType?: string;
}

export class FakeKubernetesApi {
  readonly requests: RecordedRequest[] = [];
  /** Pods the "cluster" may run in all; beyond, Deployments report FailedCreate as a ResourceQuota would. */
  podQuota: number = Infinity;
  /** When false, new pods stay not ready until setPodReady(). */
  podsBecomeReady = true;
  /** Answers writes to a resource with 403 Forbidden and this message (an object-count ResourceQuota, say). */
  forbiddenWrites = new Map<string, string>();
  /** Runs before a request is handled: lets a test change the world in between (the kubelet updating a pod). */
  beforeRequest: ((request: RecordedRequest) => void) | null = null;

  /** What each pod's container printed (`namespace/name` → lines with their kubelet timestamps): served by the pod log API. */
  private readonly podLogs = new Map<string, { time: string; line: string }[]>();
  private readonly objects = new Map<string, Obj>();
  private readonly history: WatchEvent[] = [];
  private readonly watchers = new Set<Watcher>();
  private rv = 1;
  private compactedRv = 0;
  private nextIp = 10;
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** A pod's container prints a line (the kubelet stamps it with nanoseconds, as RFC 3339). */
  printPodLog(namespace: string, pod: string, line: string, at = new Date()): void {
    const key = `${namespace}/${pod}`;
    const time = `${at.toISOString().slice(0, 23)}456789Z`;
    this.podLogs.set(key, [...(this.podLogs.get(key) ?? []), { time, line }]);
  }

  /** GET …/pods/{name}/log with timestamps, tailLines and sinceSeconds (not follow: readers poll). */
  private podLog(res: ServerResponse, namespace: string, pod: string, query: URLSearchParams): void {
    if (!this.get('pods', namespace, pod)) {
      status(res, 404, 'NotFound', `pods "${pod}" not found`);
      return;
    }
    let lines = this.podLogs.get(`${namespace}/${pod}`) ?? [];
    const since = query.get('sinceSeconds');
    if (since) lines = lines.filter((l) => Date.parse(l.time) >= Date.now() - Number(since) * 1000);
    const tail = query.get('tailLines');
    if (tail) lines = lines.slice(Math.max(0, lines.length - Number(tail)));
    const stamped = query.get('timestamps') === 'true';
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(lines.map((l) => `${stamped ? `${l.time} ` : ''}${l.line}\n`).join(''));
  }

  async stop(): Promise<void> {
    for (const w of this.watchers) w.res.end();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** A kubeconfig for the real client, as a user's would look for a plain-http server. */
  kubeConfig(namespace = 'default'): KubeConfig {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'fake', server: this.url, skipTLSVerify: true }],
      users: [{ name: 'tester', token: 'fake-token' }],
      contexts: [{ name: 'fake', cluster: 'fake', user: 'tester', namespace }],
      currentContext: 'fake',
    });
    return kc;
  }

  list(plural: string, namespace?: string): Obj[] {
    return [...this.objects.entries()].filter(([key]) => key.startsWith(`${plural}/${namespace ?? ''}`)).map(([, o]) => o);
  }

  get(plural: string, namespace: string, name: string): Obj | undefined {
    return this.objects.get(`${plural}/${namespace}/${name}`);
  }

  /**
   * Forgets watch history, like etcd compaction after writes elsewhere (revisions are cluster-wide): a watch
   * resuming from any resourceVersion seen so far gets 410 Gone.
   */
  compact(): void {
    this.compactedRv = ++this.rv;
    this.history.length = 0;
  }

  /** Ends every open watch; the clients reconnect from the last resourceVersion they saw. */
  dropWatches(): void {
    for (const w of this.watchers) w.res.end();
    this.watchers.clear();
  }

  watchCount(plural: string): number {
    return [...this.watchers].filter((w) => w.plural === plural).length;
  }

  setPodReady(namespace: string, name: string, ready: boolean): void {
    const pod = this.get('pods', namespace, name);
    if (!pod) throw new Error(`no pod ${name}`);
    pod.status.conditions = [
      { type: 'PodScheduled', status: 'True' },
      { type: 'Ready', status: ready ? 'True' : 'False' },
    ];
    this.write('pods', pod);
    this.syncEndpoints(namespace);
  }

  /** The kubelet writes the pod's status: a new resourceVersion, nothing else. */
  touchPod(namespace: string, name: string): void {
    const pod = this.get('pods', namespace, name)!;
    pod.status = { ...pod.status, observedAt: String(this.rv) };
    this.write('pods', pod);
  }

  /** Deletes a pod the way an eviction or `kubectl delete pod` would; its ReplicaSet replaces it. */
  deletePod(namespace: string, name: string): void {
    this.remove('pods', namespace, name);
    for (const d of this.list('deployments', namespace)) this.reconcileDeployment(d);
    this.syncEndpoints(namespace);
  }

  /** The Deployment controller gives up on a rollout that made no progress in time. */
  exceedProgressDeadline(namespace: string, name: string): void {
    const d = this.get('deployments', namespace, name)!;
    d.status = {
      ...d.status,
      conditions: [
        { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: `ReplicaSet "${name}-abc" has timed out progressing.` },
      ],
    };
    this.write('deployments', d);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url!, this.url);
    const request: RecordedRequest = { method: req.method!, path: url.pathname, query: url.searchParams, contentType: req.headers['content-type'] };
    this.requests.push(request);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    this.beforeRequest?.(request);
    const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;

    const discovery = RESOURCES.find((r) => url.pathname === (r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`));
    if (discovery && req.method === 'GET') {
      const resources = RESOURCES.filter((r) => r.group === discovery.group).map((r) => ({
        name: r.plural,
        kind: r.kind,
        namespaced: true,
        singularName: '',
        verbs: ['get', 'list', 'watch', 'patch', 'delete'],
      }));
      return json(res, 200, {
        kind: 'APIResourceList',
        apiVersion: 'v1',
        groupVersion: discovery.group ? `${discovery.group}/${discovery.version}` : discovery.version,
        resources,
      });
    }
    const log = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/log$/.exec(url.pathname);
    if (log && req.method === 'GET') return this.podLog(res, log[1]!, log[2]!, url.searchParams);
    const match = /^\/(?:api\/v1|apis\/([^/]+)\/v1)(?:\/namespaces\/([^/]+))?\/([^/]+)(?:\/([^/]+))?$/.exec(url.pathname);
    const resource = match && RESOURCES.find((r) => r.plural === match[3] && r.group === (match[1] ?? ''));
    if (!match || !resource) return status(res, 404, 'NotFound', `the server could not find the requested resource (${url.pathname})`);
    const [, , namespace, plural, name] = match;

    if (req.method === 'GET' && !name && url.searchParams.get('watch') === 'true') return this.watch(res, plural!, namespace, url.searchParams);
    if (req.method === 'GET' && !name) {
      const selector = parseSelector(url.searchParams.get('labelSelector'));
      const items = this.list(plural!, namespace).filter((o) => matches(o, selector));
      return json(res, 200, {
        kind: `${resource.kind}List`,
        apiVersion: resource.group ? `${resource.group}/v1` : 'v1',
        metadata: { resourceVersion: String(this.rv) },
        items,
      });
    }
    if (!namespace || !name) return status(res, 405, 'MethodNotAllowed', 'not supported by the fake');
    const forbidden = this.forbiddenWrites.get(plural!);
    if (forbidden && req.method !== 'GET') return status(res, 403, 'Forbidden', forbidden);
    const existing = this.get(plural!, namespace, name);

    if (req.method === 'GET') return existing ? json(res, 200, existing) : status(res, 404, 'NotFound', `${plural} "${name}" not found`);
    if (req.method === 'DELETE') {
      if (!existing) return status(res, 404, 'NotFound', `${plural} "${name}" not found`);
      if (plural === 'deployments') for (const pod of this.podsOf(existing)) this.remove('pods', namespace, pod.metadata.name);
      this.remove(plural!, namespace, name);
      if (plural === 'pods') for (const d of this.list('deployments', namespace)) this.reconcileDeployment(d);
      if (plural === 'services') this.remove('endpointslices', namespace, `${name}-fake`);
      this.syncEndpoints(namespace);
      return json(res, 200, { kind: 'Status', apiVersion: 'v1', status: 'Success', code: 200 });
    }
    if (req.method === 'PATCH' && request.contentType === 'application/apply-patch+yaml') {
      if (!url.searchParams.get('fieldManager')) return status(res, 400, 'BadRequest', 'fieldManager is required for apply requests');
      const applied: Obj = existing
        ? deepMerge(existing, body)
        : { ...body, metadata: { ...body.metadata, uid: randomUUID(), creationTimestamp: new Date().toISOString() } };
      if (plural === 'deployments') applied.status ??= { conditions: [{ type: 'Progressing', status: 'True', reason: 'NewReplicaSetCreated' }] };
      this.write(plural!, applied);
      if (plural === 'deployments') this.reconcileDeployment(applied);
      this.syncEndpoints(namespace);
      return json(res, existing ? 200 : 201, this.get(plural!, namespace, name));
    }
    if (req.method === 'PATCH' && request.contentType === 'application/merge-patch+json') {
      if (!existing) return status(res, 404, 'NotFound', `${plural} "${name}" not found`);
      const precondition = body?.metadata?.resourceVersion;
      if (precondition && precondition !== existing.metadata.resourceVersion) {
        return status(
          res,
          409,
          'Conflict',
          `Operation cannot be fulfilled on ${plural} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
        );
      }
      const patched = deepMerge(existing, body);
      this.write(plural!, patched);
      if (plural === 'deployments') this.reconcileDeployment(patched);
      this.syncEndpoints(namespace);
      return json(res, 200, this.get(plural!, namespace, name));
    }
    return status(res, 405, 'MethodNotAllowed', `${req.method} ${request.contentType ?? ''} is not supported by the fake`);
  }

  private watch(res: ServerResponse, plural: string, namespace: string | undefined, query: URLSearchParams): void {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.flushHeaders();
    const from = Number(query.get('resourceVersion') || this.rv);
    if (from < this.compactedRv) {
      const gone = {
        kind: 'Status',
        apiVersion: 'v1',
        status: 'Failure',
        message: `too old resource version: ${from} (${this.compactedRv})`,
        reason: 'Expired',
        code: 410,
      };
      res.end(`${JSON.stringify({ type: 'ERROR', object: gone })}\n`);
      return;
    }
    const watcher: Watcher = { plural, namespace, selector: parseSelector(query.get('labelSelector')), res };
    for (const event of this.history) if (event.rv > from) this.send(watcher, event);
    this.watchers.add(watcher);
    res.on('close', () => this.watchers.delete(watcher));
  }

  private send(w: Watcher, event: WatchEvent): void {
    if (event.plural !== w.plural || (w.namespace && event.object.metadata.namespace !== w.namespace) || !matches(event.object, w.selector)) return;
    w.res.write(`${JSON.stringify({ type: event.type, object: event.object })}\n`);
  }

  private write(plural: string, object: Obj): void {
    const key = `${plural}/${object.metadata.namespace}/${object.metadata.name}`;
    const type = this.objects.has(key) ? 'MODIFIED' : 'ADDED';
    const stored = structuredClone({ ...object, metadata: { ...object.metadata, resourceVersion: String(++this.rv) } });
    this.objects.set(key, stored);
    this.emit({ rv: this.rv, type, plural, object: stored });
  }

  private remove(plural: string, namespace: string, name: string): void {
    const key = `${plural}/${namespace}/${name}`;
    const object = this.objects.get(key);
    if (!object) return;
    this.objects.delete(key);
    this.emit({ rv: ++this.rv, type: 'DELETED', plural, object: { ...object, metadata: { ...object.metadata, resourceVersion: String(this.rv) } } });
  }

  private emit(event: WatchEvent): void {
    this.history.push(event);
    for (const w of this.watchers) this.send(w, event);
  }

  private podsOf(deployment: Obj): Obj[] {
    return this.list('pods', deployment.metadata.namespace).filter((p) => matches(p, deployment.spec.selector.matchLabels));
  }

  /** The ReplicaSet controller, reduced: create pods up to `replicas` (within the quota), remove the cheapest surplus. */
  private reconcileDeployment(d: Obj): void {
    const ns = d.metadata.namespace!;
    const pods = this.podsOf(d);
    const want = d.spec.replicas ?? 1;
    if (pods.length > want) {
      const cost = (p: Obj) => Number(p.metadata.annotations?.['controller.kubernetes.io/pod-deletion-cost'] ?? 0);
      const ready = (p: Obj) => (p.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True') ? 1 : 0);
      // Like the ReplicaSet controller: not ready first, then the lowest deletion cost, then the youngest.
      const age = (p: Obj) => pods.indexOf(p);
      const victims = [...pods].sort((a, b) => ready(a) - ready(b) || cost(a) - cost(b) || age(b) - age(a)).slice(0, pods.length - want);
      for (const p of victims) this.remove('pods', ns, p.metadata.name);
    }
    let failure: string | null = null;
    for (let i = pods.length; i < want; i++) {
      const used = this.list('pods', ns).length;
      if (used >= this.podQuota) {
        failure = `pods "${d.metadata.name}-${suffix()}" is forbidden: exceeded quota: slipway-compute, requested: pods=1, used: pods=${used}, limited: pods=${this.podQuota}`;
        break;
      }
      const ready = this.podsBecomeReady;
      this.write('pods', {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: `${d.metadata.name}-${suffix()}`, namespace: ns, labels: { ...d.spec.template.metadata.labels }, uid: randomUUID() },
        spec: structuredClone(d.spec.template.spec),
        status: {
          phase: 'Running',
          podIP: `10.1.0.${this.nextIp++}`,
          conditions: [
            { type: 'PodScheduled', status: 'True' },
            { type: 'Ready', status: ready ? 'True' : 'False' },
          ],
        },
      });
    }
    const conditions = (d.status?.conditions ?? []).filter((c: any) => c.type !== 'ReplicaFailure');
    if (failure) conditions.push({ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: failure });
    const current = this.get('deployments', ns, d.metadata.name)!;
    if (JSON.stringify(current.status?.conditions ?? []) !== JSON.stringify(conditions))
      this.write('deployments', { ...current, status: { ...current.status, conditions } });
  }

  /** The EndpointSlice controller, reduced: one slice per Service listing its selected pods and their readiness. */
  private syncEndpoints(namespace: string): void {
    for (const svc of this.list('services', namespace)) {
      const pods = this.list('pods', namespace).filter((p) => matches(p, svc.spec.selector));
      const slice: Obj = {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { name: `${svc.metadata.name}-fake`, namespace, labels: { ...svc.metadata.labels, 'kubernetes.io/service-name': svc.metadata.name } },
        addressType: 'IPv4',
        ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
        endpoints: pods.map((p) => ({
          addresses: [p.status.podIP],
          conditions: { ready: p.status.conditions.some((c: any) => c.type === 'Ready' && c.status === 'True'), serving: true, terminating: false },
          targetRef: { kind: 'Pod', name: p.metadata.name, namespace },
        })),
      };
      const current = this.get('endpointslices', namespace, slice.metadata.name);
      const same =
        current &&
        JSON.stringify(current.endpoints) === JSON.stringify(slice.endpoints) &&
        JSON.stringify(current.metadata.labels) === JSON.stringify(slice.metadata.labels);
      if (!same) this.write('endpointslices', slice);
    }
  }
}

const suffix = () => randomBytes(3).toString('hex').slice(0, 5);

function parseSelector(raw: string | null): Record<string, string> {
  if (!raw) return {};
  return Object.fromEntries(raw.split(',').map((term) => term.split('=') as [string, string]));
}

function matches(o: Obj, selector: Record<string, string>): boolean {
  return Object.entries(selector ?? {}).every(([k, v]) => o.metadata.labels?.[k] === v);
}

/** JSON merge patch (RFC 7386); server-side apply is reduced to the same for the fields the driver sets. */
function deepMerge(target: any, patch: any): any {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: any = target && typeof target === 'object' && !Array.isArray(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = deepMerge(out[k], v);
  }
  return out;
}

function json(res: ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function status(res: ServerResponse, code: number, reason: string, message: string): void {
  json(res, code, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
}
