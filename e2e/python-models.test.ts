import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from './api-client';
import { startStack } from './stack';

/*
 * Python models end to end, with real Python from Debian (python3-numpy, python3-sklearn, bubblewrap): a scikit-learn
 * pipeline trained here, uploaded as a custom predictor and as an MLflow sklearn folder (written exactly as
 * mlflow.sklearn.save_model lays it out: no mlflow package exists here), inspected, deployed and called through the
 * gateway, next to the ONNX iris model.
 */

const ROWS = [
  [5.1, 3.5, 1.4, 0.2],
  [6.7, 3.0, 5.2, 2.3],
  [5.9, 3.0, 4.2, 1.5],
];

/** Trains StandardScaler + LogisticRegression on iris and writes the artifacts (zips) and sklearn's own answers. */
const BUILD = String.raw`
import json, os, pickle, sys, zipfile
import numpy as np
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

out, data_dir = sys.argv[1], sys.argv[2]
rows = np.asarray(json.loads(sys.argv[3]), dtype=np.float32)
iris = load_iris()
pipeline = make_pipeline(StandardScaler(), LogisticRegression(max_iter=500)).fit(iris.data.astype(np.float32), iris.target)
model = pickle.dumps(pipeline)

PREDICTOR = '''
import os, pickle, time
import numpy as np

class Model:
    def load(self, model_dir):
        with open(os.path.join(model_dir, "model.pkl"), "rb") as f:
            self.pipeline = pickle.load(f)

    def predict(self, inputs):
        x = inputs["features"]
        if x[0, 0] == 999:
            time.sleep(600)
        if x[0, 0] == 777:
            # Under bubblewrap the data directory's path exists only as the mount point of this version's environment.
            listing = sorted(os.listdir(DATA_DIR)) if os.path.isdir(DATA_DIR) else []
            secrets = os.path.exists(os.path.join(DATA_DIR, "credentials.json"))
            seen = {"DATABASE_URL": os.environ.get("DATABASE_URL"), "credentials": secrets, "listing": listing, "environ": sorted(os.environ)}
            raise PermissionError("seen " + repr(seen))
        if (x < 0).any():
            raise ValueError("measurements must be positive")
        return {"label": self.pipeline.predict(x), "probabilities": self.pipeline.predict_proba(x)}
'''.replace("DATA_DIR", repr(data_dir))

MANIFEST = '''runtime: python
predictor: iris_model:Model
predict_timeout_ms: 3000
signature:
  inputs: [{name: features, datatype: FP32, shape: [-1, 4]}]
  outputs:
    - {name: label, datatype: INT64, shape: [-1]}
    - {name: probabilities, datatype: FP32, shape: [-1, 3]}
example:
  features: [[5.1, 3.5, 1.4, 0.2]]
'''

def pack(name, files):
    with zipfile.ZipFile(os.path.join(out, name), "w") as z:
        for path, data in files.items():
            z.writestr(path, data)

pack("iris-python.zip", {"slipway.yaml": MANIFEST, "iris_model.py": PREDICTOR, "model.pkl": model})
pack("bad-requirements.zip", {"slipway.yaml": MANIFEST, "iris_model.py": PREDICTOR, "model.pkl": model, "requirements.txt": "slipway-no-such-package>=9\n"})
pack("wrong-shape.zip", {"slipway.yaml": MANIFEST, "iris_model.py": PREDICTOR.replace('"label": self.pipeline.predict(x)', '"label": self.pipeline.predict(x)[:0]'), "model.pkl": model})
MLMODEL = '''artifact_path: model
flavors:
  python_function:
    env:
      conda: conda.yaml
      virtualenv: python_env.yaml
    loader_module: mlflow.sklearn
    model_path: model.pkl
    predict_fn: predict
    python_version: 3.11.2
  sklearn:
    code: null
    pickled_model: model.pkl
    serialization_format: cloudpickle
    sklearn_version: 1.2.1
mlflow_version: 2.9.2
model_uuid: 3f1c1f0e2a5b4c7d9e8f7a6b5c4d3e2f
signature:
  inputs: '[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 4]}}]'
  outputs: '[{"type": "tensor", "tensor-spec": {"dtype": "int64", "shape": [-1]}}]'
  params: null
utc_time_created: '2026-12-07 10:00:00.000000'
'''
pack("iris-mlflow.zip", {
    "model/MLmodel": MLMODEL,
    "model/model.pkl": model,
    "model/requirements.txt": "mlflow==2.9.2\ncloudpickle==2.2.1\nscikit-learn==1.2.1\n",
    "model/python_env.yaml": "python: 3.11.2\nbuild_dependencies:\n- pip\ndependencies:\n- -r requirements.txt\n",
    "model/conda.yaml": "name: mlflow-env\nchannels: [conda-forge]\ndependencies:\n- python=3.11.2\n- pip:\n  - mlflow==2.9.2\n",
})
json.dump({"label": pipeline.predict(rows).tolist(), "probabilities": pipeline.predict_proba(rows).astype(np.float32).tolist()}, open(os.path.join(out, "expected.json"), "w"))
`;

describe('Python models', () => {
  let stack: Awaited<ReturnType<typeof startStack>>;
  let admin: ApiClient;
  let apiKey: string;
  const dir = mkdtempSync(path.join(tmpdir(), 'slipway-python-journey-'));
  const suffix = randomUUID().slice(0, 8);
  const modelName = `iris-py-${suffix}`;
  let expected: { label: number[]; probabilities: number[][] };
  const artifact = (name: string) => ({ name, bytes: readFileSync(path.join(dir, name)) });

  const call = async (urlPath: string, body: unknown) => {
    const response = await fetch(`${stack.gatewayUrl}${urlPath}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  };
  const predict = (name: string, rows: number[][]) => call(`/models/${name}/predict`, { inputs: { features: rows } });

  async function deploy(name: string, versionLabel: number, replicas = 1) {
    const deployment = await admin.deploySettled({ name, modelName, versionLabel, machineType: 'cpu-small', replicas });
    expect(deployment).toMatchObject({ status: 'ready' });
    // The gateway has the routing table once a request is answered.
    for (let i = 0; i < 50 && (await predict(name, [ROWS[0]!])).status !== 200; i++) await new Promise((r) => setTimeout(r, 100));
  }

  beforeAll(async () => {
    stack = await startStack();
    execFileSync('/usr/bin/python3', ['-c', BUILD, dir, stack.env.dataDir, JSON.stringify(ROWS)]);
    expected = JSON.parse(readFileSync(path.join(dir, 'expected.json'), 'utf8'));
    admin = await ApiClient.login(stack.webUrl, stack.admin.email, stack.admin.password);
    apiKey = (await admin.request('POST', '/api/v1/api-keys', { name: `python-${suffix}` })).body.key;
    expect((await admin.request('POST', '/api/v1/models', { name: modelName })).status).toBe(201);
    // v1: the ONNX iris model; v2: the scikit-learn pipeline as a custom predictor; v3: the same as an MLflow sklearn model.
    expect(await admin.uploadInspected(modelName, stack.demoModelPath)).toMatchObject({ status: 'ready' });
    expect(await admin.uploadInspected(modelName, artifact('iris-python.zip'))).toMatchObject({ status: 'ready' });
    expect(await admin.uploadInspected(modelName, artifact('iris-mlflow.zip'))).toMatchObject({ status: 'ready' });
  }, 240_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('inspects a custom predictor in its environment and records its declared signature', async () => {
    const { version } = (await admin.request('GET', `/api/v1/models/${modelName}/versions/2`)).body;
    expect(version.signature).toEqual({
      inputs: [{ name: 'features', dtype: 'float32', shape: [null, 4] }],
      outputs: [
        { name: 'label', dtype: 'int64', shape: [null] },
        { name: 'probabilities', dtype: 'float32', shape: [null, 3] },
      ],
    });
  });

  it('serves the custom predictor with scikit-learn’s own answers through OIP, /predict and V1', async () => {
    const name = `py-custom-${suffix}`;
    await deploy(name, 2);
    const viaPredict = await predict(name, ROWS);
    expect(viaPredict).toMatchObject({ status: 200, body: { outputs: { label: expected.label, probabilities: expected.probabilities } } });

    const oip = await call(`/v2/models/${name}/infer`, { inputs: [{ name: 'features', datatype: 'FP32', shape: [3, 4], data: ROWS.flat() }] });
    expect(oip.status).toBe(200);
    expect(oip.body.outputs).toEqual([
      { name: 'label', datatype: 'INT64', shape: [3], data: expected.label },
      { name: 'probabilities', datatype: 'FP32', shape: [3, 3], data: expected.probabilities.flat() },
    ]);
    // The docs' worked example is what the predictor answered at inspection for slipway.yaml's example.
    const docs = await admin.request('GET', `/api/v1/deployments/${name}/openapi.json`);
    const operation = docs.body.paths[`/models/${name}/predict`].post;
    expect(operation.requestBody.content['application/json'].example.inputs.features).toEqual([ROWS[0]]);
    expect(operation.responses['200'].content['application/json'].example.outputs.label).toEqual([expected.label[0]]);
    const v1 = await call(`/v1/models/${name}:predict`, { instances: ROWS });
    expect(v1).toMatchObject({
      status: 200,
      body: { predictions: ROWS.map((_, i) => ({ label: expected.label[i], probabilities: expected.probabilities[i] })) },
    });
  });

  it('answers a raising predictor 500 model_error with the exception’s type and message, and keeps serving', async () => {
    const name = `py-custom-${suffix}`;
    const failed = await predict(name, [[-1, 0, 0, 0]]);
    expect(failed).toEqual({
      status: 500,
      body: { error: { code: 'model_error', message: 'the model failed on this input: ValueError: measurements must be positive' } },
    });
    expect(JSON.stringify(failed.body)).not.toContain('Traceback');
    expect(await predict(name, [ROWS[1]!])).toMatchObject({ status: 200, body: { outputs: { label: [expected.label[1]] } } });
  });

  it('shows user code neither the platform’s data directory nor its secrets', async () => {
    const snoop = await predict(`py-custom-${suffix}`, [[777, 0, 0, 0]]);
    expect(snoop.status).toBe(500);
    expect(snoop.body.error.message).toContain("'DATABASE_URL': None, 'credentials': False");
    expect(snoop.body.error.message).toMatch(/'listing': (\[\]|\['environments'\])/);
    expect(snoop.body.error.message).not.toMatch(/REDIS_URL|SLIPWAY_REPLICA_TOKEN|SLIPWAY_INTERNAL_TOKEN/);
  });

  it('replaces a replica whose predictor hangs past its timeout, and the event says why', async () => {
    const name = `py-hang-${suffix}`;
    await deploy(name, 2);
    const stuck = await predict(name, [[999, 0, 0, 0]]);
    expect(stuck.status).toBe(500);
    expect(stuck.body.error.message).toContain('predict did not answer within 3000 ms');
    const { events } = await admin.waitFor(`/api/v1/deployments/${name}/events`, (b) =>
      b.events.some((e: { message: string }) => /exited because predict did not answer within 3000 ms: replacing it/.test(e.message)),
    );
    expect(events.length).toBeGreaterThan(0);
    // The replacement serves: the caller is answered again (the gateway retries while the new replica starts).
    for (let i = 0; i < 300 && (await predict(name, [ROWS[0]!])).status !== 200; i++) await new Promise((r) => setTimeout(r, 200));
    expect(await predict(name, [ROWS[0]!])).toMatchObject({ status: 200 });
  });

  it('serves an MLflow sklearn model as logged, signature from its MLmodel', async () => {
    const { version } = (await admin.request('GET', `/api/v1/models/${modelName}/versions/3`)).body;
    expect(version.signature).toEqual({
      inputs: [{ name: 'input', dtype: 'float32', shape: [null, 4] }],
      outputs: [{ name: 'predictions', dtype: 'int64', shape: [null] }],
    });
    const name = `py-mlflow-${suffix}`;
    await deploy(name, 3);
    const answer = await call(`/models/${name}/predict`, { inputs: { input: ROWS } });
    expect(answer).toMatchObject({ status: 200, body: { outputs: { predictions: expected.label } } });
    const v1 = await call(`/v1/models/${name}:predict`, { instances: ROWS });
    expect(v1).toMatchObject({ status: 200, body: { predictions: expected.label } });
  });

  it('fails a version whose requirements no wheel provides with pip’s message, and one answering the wrong shape with the traceback', async () => {
    const bad = await admin.uploadInspected(modelName, artifact('bad-requirements.zip'));
    expect(bad.status).toBe('failed');
    expect(bad.statusReason).toMatch(/^the Python environment could not be built:\nERROR: .*slipway-no-such-package>=9/);
    const wrong = await admin.uploadInspected(modelName, artifact('wrong-shape.zip'));
    expect(wrong.status).toBe('failed');
    expect(wrong.statusReason).toMatch(/^the predictor iris_model:Model answered outputs that do not fit the signature:\n/);
    expect(wrong.statusReason).toContain("OutputMismatch: output 'label' has shape [0] for 1 input rows, the signature declares [None]");
  });

  it('canaries from the ONNX version to the Python version under load without failing a request', async () => {
    const name = `py-canary-${suffix}`;
    await deploy(name, 1);
    let running = true;
    const answers: number[] = [];
    const loops = Array.from({ length: 4 }, async () => {
      while (running) answers.push((await predict(name, [ROWS[0]!]).catch(() => ({ status: 0 }))).status);
    });
    const strategy = { type: 'canary', steps: [{ weight: 50, bakeSeconds: 2 }], guardrails: { minRequests: 10, maxP99Ratio: 50 } };
    expect((await admin.request('PATCH', `/api/v1/deployments/${name}`, { versionLabel: 2, strategy })).status).toBe(202);
    await admin.waitFor(`/api/v1/deployments/${name}`, (b) => b.deployment.status === 'ready' && b.deployment.stableRevision === 2, 120_000);
    running = false;
    await Promise.all(loops);
    expect(answers.length).toBeGreaterThan(50);
    expect(answers.filter((status) => status !== 200)).toEqual([]);
    const { deployment } = (await admin.request('GET', `/api/v1/deployments/${name}`)).body;
    expect(deployment.variants.map((v: any) => [v.version.label, v.trafficWeight])).toEqual([[2, 100]]);
  });
});
