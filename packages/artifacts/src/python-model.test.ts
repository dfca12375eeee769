import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArtifactError } from './errors';
import { inspectArtifact, uploadDetails } from './inspect';
import { Fixtures, mlpModel } from './test/fixtures';
import { unpackArtifact } from './unpack';

let work: string;
let fixtures: Fixtures;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'slipway-python-artifact-test-'));
  await mkdir(join(work, 'fixtures'));
  fixtures = new Fixtures(join(work, 'fixtures'));
});
afterAll(() => rm(work, { recursive: true, force: true }));

const MANIFEST = `
runtime: python
predictor: iris_model.pipeline:Pipeline
python: "3.11"
concurrency: 2
features: [sl, sw, pl, pw]
signature:
  inputs:
    - {name: features, datatype: FP64, shape: [-1, 4]}
  outputs:
    - {name: probabilities, datatype: float32, shape: [null, 3]}
    - {name: label, datatype: INT64, shape: [-1]}
`;

const PREDICTOR = 'class Pipeline:\n    def load(self, model_dir): pass\n    def predict(self, inputs): return {}\n';

async function unpack(entries: { name: string; content: string | Uint8Array }[]) {
  const { path, filename } = await fixtures.tarGz('my-model.tar.gz', entries);
  return unpackArtifact({ archivePath: path, filename, destDir: join(work, `out-${Math.random().toString(36).slice(2)}`) });
}

describe('a Python model artifact (slipway.yaml runtime: python)', () => {
  it('is unpacked without an ONNX file: predictor, declared signature, Python version, processes per replica, requirements and wheels', async () => {
    const artifact = await unpack([
      { name: 'slipway.yaml', content: MANIFEST },
      { name: 'iris_model/__init__.py', content: '' },
      { name: 'iris_model/pipeline.py', content: PREDICTOR },
      { name: 'pipeline.pkl', content: 'not really a pickle' },
      { name: 'requirements.txt', content: 'scikit-learn==1.2.1\n' },
      { name: 'wheels/tiny-1.0-py3-none-any.whl', content: 'PK' },
    ]);
    expect(artifact.modelFile).toBe('iris_model/pipeline.py');
    expect(artifact.mlflow).toBeNull();
    expect(artifact.python).toEqual({
      predictor: 'iris_model.pipeline:Pipeline',
      moduleFile: 'iris_model/pipeline.py',
      modelDir: '.',
      mlflowFlavor: null,
      predictTimeoutMs: null,
      concurrency: 2,
      pythonVersion: '3.11',
      requirementsFile: 'requirements.txt',
      wheels: ['wheels/tiny-1.0-py3-none-any.whl'],
      signature: {
        inputs: [{ name: 'features', dtype: 'float64', shape: [null, 4] }],
        outputs: [
          { name: 'probabilities', dtype: 'float32', shape: [null, 3] },
          { name: 'label', dtype: 'int64', shape: [null] },
        ],
      },
    });
  });

  it('is recorded with the version’s upload details', async () => {
    const { path, filename } = await fixtures.tarGz('recorded.tar.gz', [
      {
        name: 'slipway.yaml',
        content:
          'runtime: python\npredictor: m:M\nsignature: {inputs: [{name: x, datatype: FP32, shape: [-1]}], outputs: [{name: y, datatype: FP32, shape: [-1]}]}\n',
      },
      { name: 'm.py', content: PREDICTOR },
    ]);
    const details = uploadDetails(await inspectArtifact({ archivePath: path, filename }));
    expect(details).toMatchObject({ modelFile: 'm.py', python: { predictor: 'm:M', requirementsFile: null, wheels: [] } });
  });

  const refusals: [string, { name: string; content: string | Uint8Array }[], RegExp][] = [
    [
      'a predictor whose module is missing',
      [{ name: 'slipway.yaml', content: MANIFEST }],
      /module 'iris_model\.pipeline' is not in the artifact \(expected iris_model\/pipeline\.py/,
    ],
    [
      'no signature',
      [
        { name: 'slipway.yaml', content: 'runtime: python\npredictor: m:M\n' },
        { name: 'm.py', content: PREDICTOR },
      ],
      /needs 'predictor' \(module:Class\) and 'signature'/,
    ],
    [
      'an unknown datatype',
      [
        {
          name: 'slipway.yaml',
          content:
            'runtime: python\npredictor: m:M\nsignature: {inputs: [{name: x, datatype: FP33, shape: [-1]}], outputs: [{name: y, datatype: FP32, shape: [-1]}]}\n',
        },
      ],
      /signature\.inputs\.0\.datatype: unknown datatype 'FP33'/,
    ],
    [
      'a predictor that is not module:Class',
      [{ name: 'slipway.yaml', content: 'runtime: python\npredictor: my_model.Model\n' }],
      /predictor: expected 'module:Class'/,
    ],
    [
      'Python keys on an ONNX model',
      [
        { name: 'slipway.yaml', content: 'predictor: m:M\n' },
        { name: 'model.onnx', content: mlpModel() },
      ],
      /'predictor' need 'runtime: python'/,
    ],
    [
      'an ONNX model named by a Python manifest',
      [
        { name: 'slipway.yaml', content: `${MANIFEST}model: model.onnx\n` },
        { name: 'model.onnx', content: mlpModel() },
      ],
      /names its 'predictor', not an ONNX 'model'/,
    ],
  ];

  it.each(refusals)('is refused with %s, saying what to fix', async (_name, entries, message) => {
    const error = await unpack(entries).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ArtifactError);
    expect(error).toMatchObject({ code: 'invalid_manifest', message: expect.stringMatching(message) });
  });
});
