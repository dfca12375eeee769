import { randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { KubernetesDriver } from './kubernetes-driver';
import { FakeKubernetesApi } from './test/fake-kubernetes-api';
import { validateKubernetesObject } from './test/validate-kubernetes-object';

const DIR = fileURLToPath(new URL('../../../../../deploy/kubernetes/', import.meta.url));

type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string }; [k: string]: any };

async function load(file: string): Promise<K8sObject[]> {
  const docs = parseAllDocuments(await readFile(path.join(DIR, file), 'utf8'));
  for (const doc of docs) if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
  return docs.map((d) => d.toJS() as K8sObject).filter(Boolean);
}

let files: string[];
let base: K8sObject[];
const find = (kind: string, name: string) => base.find((o) => o.kind === kind && o.metadata.name === name)!;

beforeAll(async () => {
  files = (await readdir(DIR)).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
  const kustomization = (await load('kustomization.yaml'))[0]!;
  base = (await Promise.all((kustomization.resources as string[]).map(load))).flat();
});

describe('deploy/kubernetes', () => {
  it('lists in the kustomization only files that exist, and every object in every file is valid for its Kubernetes schema', async () => {
    const kustomization = (await load('kustomization.yaml'))[0]!;
    for (const resource of kustomization.resources as string[]) expect(files).toContain(resource);
    const all = (await Promise.all(files.map(load))).flat();
    expect(all.length).toBeGreaterThan(10);
    for (const object of all) await validateKubernetesObject(object);
  });

  it('runs web, worker and gateway with resource requests, and probes where they serve HTTP', () => {
    for (const name of ['slipway-web', 'slipway-worker', 'slipway-gateway']) {
      const container = find('Deployment', name).spec.template.spec.containers[0];
      expect(container.resources.requests, name).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
      expect(container.envFrom).toEqual([{ configMapRef: { name: 'slipway-config' } }, { secretRef: { name: 'slipway-secrets' } }]);
    }
    expect(find('Deployment', 'slipway-web').spec.template.spec.containers[0].readinessProbe.httpGet.path).toBe('/login');
    expect(find('Deployment', 'slipway-gateway').spec.template.spec.containers[0].readinessProbe.httpGet.path).toBe('/healthz');
    expect(find('Deployment', 'slipway-worker').spec.template.spec.serviceAccountName).toBe('slipway-worker');
  });

  it('puts the gateway behind a Service and a HorizontalPodAutoscaler', () => {
    const service = find('Service', 'slipway-gateway');
    const gateway = find('Deployment', 'slipway-gateway');
    expect(service.spec.selector).toEqual(gateway.spec.selector.matchLabels);
    expect(find('HorizontalPodAutoscaler', 'slipway-gateway').spec.scaleTargetRef).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'slipway-gateway',
    });
  });

  it('configures the worker for the kubernetes driver in the namespace the Role covers', () => {
    const config = find('ConfigMap', 'slipway-config').data;
    expect(config.SLIPWAY_DRIVER).toBe('kubernetes');
    expect(find('Role', 'slipway-worker').metadata.namespace).toBe(config.SLIPWAY_K8S_NAMESPACE);
    expect(find('RoleBinding', 'slipway-worker').subjects).toEqual([{ kind: 'ServiceAccount', name: 'slipway-worker', namespace: 'slipway' }]);
  });
});

describe("the worker's Role", () => {
  const fake = new FakeKubernetesApi();
  beforeAll(() => fake.start());
  afterAll(() => fake.stop());

  it('allows exactly the calls the driver makes placing, watching and stopping a replica', async () => {
    const role = find('Role', 'slipway-worker');
    const namespace = role.metadata.namespace!;
    const driver = await KubernetesDriver.connect({
      kubeConfig: fake.kubeConfig(namespace),
      owner: 'rbac-test',
      namespace: { mode: 'single', name: namespace },
      image: 'slipway',
      gpuImage: null,
      imagePullPolicy: 'IfNotPresent',
      storageSecret: 'slipway-storage',
      driftSecret: 'slipway-drift',
      gpuScheduling: {},
      drainSeconds: 10,
      progressDeadlineSeconds: 600,
      hostEnv: {},
      placeTimeoutMs: 10_000,
    });
    const replicaId = randomUUID();
    const replica = {
      replicaId,
      deploymentName: 'iris',
      teamId: randomUUID(),
      revision: 1,
      variantId: randomUUID(),
      variantName: 'primary',
      versionLabel: 1,
      versionDigest: 'cd'.repeat(32),
      artifactFilename: 'iris.onnx',
      modelFile: 'model.onnx',
      localModelPath: () => Promise.reject(new Error('pods fetch the artifact themselves')),
      token: 'replica-set-token-0123456789abcdef',
      vcpu: 1,
      memoryMb: 1024,
      gpuType: null,
      gpuCount: 0,
    };
    await driver.waitReady(await driver.start(replica), 10_000);
    await driver.stop({ id: replicaId, pid: null });
    await driver.close();

    const used = new Set<string>();
    for (const r of fake.requests) {
      const match = /^\/(?:api\/v1|apis\/([^/]+)\/v1)\/namespaces\/[^/]+\/([^/]+)(\/[^/]+)?$/.exec(r.path);
      if (!match) continue; // Discovery (/api/v1, /apis/apps/v1): allowed to every authenticated user.
      const verb = r.method === 'PATCH' ? 'patch' : r.method === 'DELETE' ? 'delete' : r.query.get('watch') === 'true' ? 'watch' : match[3] ? 'get' : 'list';
      used.add(`${match[1] ?? ''}/${match[2]}:${verb}`);
    }
    const allowed = new Set<string>();
    for (const rule of role.rules)
      for (const group of rule.apiGroups) for (const resource of rule.resources) for (const verb of rule.verbs) allowed.add(`${group}/${resource}:${verb}`);
    expect([...used].sort()).toEqual([...allowed].sort());
  });
});
