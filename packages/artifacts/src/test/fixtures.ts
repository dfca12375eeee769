/**
 * Artifact fixtures, built at test time into a temp dir: valid uploads in every format, and a hostile corpus.
 * Each builder writes one file and returns its path and the filename it is "uploaded" as.
 */
import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip, gzipSync } from 'node:zlib';
import { IRIS, IRIS_SPECIES, buildMlp, trainIrisClassifier } from '@slipway/onnx-builder';
import onnxProto from 'onnx-proto';
import tar from 'tar-stream';
import yazl from 'yazl';

const { onnx } = onnxProto;

export interface Fixture {
  path: string;
  filename: string;
}

type Content = Uint8Array | string;

export type TarEntry =
  | { name: string; content: Content }
  | { name: string; type: 'directory' }
  | { name: string; type: 'symlink' | 'link'; linkname: string }
  | { name: string; type: 'character-device' | 'block-device' | 'fifo' };

export interface ZipEntry {
  name: string;
  content: Content;
  mode?: number;
  compress?: boolean;
}

/** A 4 → 8 → 3 MLP: `features` float32 [batch, 4] → `probabilities` [batch, 3], `label` [batch]. */
export const mlpModel = (seed = 1): Uint8Array => buildMlp({ inputs: 4, hidden: 8, outputs: 3, seed });

let iris: Uint8Array | undefined;
export function irisModel(): Uint8Array {
  iris ??= trainIrisClassifier({ seed: 1 }).model;
  return iris;
}

const bytes = (content: Content): Buffer => (typeof content === 'string' ? Buffer.from(content) : Buffer.from(content));

export async function tarBytes(entries: readonly TarEntry[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const collected = (async () => {
    for await (const chunk of pack) chunks.push(chunk as Buffer);
  })();
  for (const entry of entries) {
    if ('content' in entry) pack.entry({ name: entry.name }, bytes(entry.content));
    else if (entry.type === 'symlink' || entry.type === 'link') pack.entry({ name: entry.name, type: entry.type, linkname: entry.linkname });
    else pack.entry({ name: entry.name, type: entry.type, devmajor: 1, devminor: 3 }, '');
  }
  pack.finalize();
  await collected;
  return Buffer.concat(chunks);
}

export async function zipBytes(entries: readonly ZipEntry[]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const { name, content, mode, compress = true } of entries) zip.addBuffer(bytes(content), name, { mode, compress });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Replaces every occurrence of `from` with the same-length `to`: names yazl refuses to write, patched in afterwards. */
export function patchBytes(buffer: Buffer, from: string, to: string): Buffer {
  if (from.length !== to.length) throw new Error('patchBytes needs equal lengths');
  const patched = Buffer.from(buffer);
  let at = patched.indexOf(from);
  if (at === -1) throw new Error(`'${from}' not found`);
  for (; at !== -1; at = patched.indexOf(from, at + 1)) patched.write(to, at);
  return patched;
}

async function* zeros(totalBytes: number): AsyncGenerator<Buffer> {
  const chunk = Buffer.alloc(1024 ** 2);
  for (let left = totalBytes; left > 0; left -= chunk.length) yield left >= chunk.length ? chunk : chunk.subarray(0, left);
}

/**
 * The model's initializers moved to `weights.bin` beside it (ONNX external data): the model only loads if the side
 * file is extracted next to it.
 */
export function externalDataModel(): { model: Uint8Array; weights: Buffer } {
  const model = onnx.ModelProto.decode(mlpModel(3));
  const parts: Buffer[] = [];
  let offset = 0;
  for (const tensor of model.graph!.initializer!) {
    const raw = Buffer.from(tensor.rawData!);
    tensor.rawData = new Uint8Array();
    tensor.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
    tensor.externalData = [
      { key: 'location', value: 'weights.bin' },
      { key: 'offset', value: String(offset) },
      { key: 'length', value: String(raw.length) },
    ];
    parts.push(raw);
    offset += raw.length;
  }
  return { model: new Uint8Array(onnx.ModelProto.encode(model).finish()), weights: Buffer.concat(parts) };
}

const MLMODEL = `artifact_path: model
flavors:
  onnx:
    code: null
    data: model.onnx
    onnx_version: 1.17.0
    providers:
    - CPUExecutionProvider
  python_function:
    data: model.onnx
    env:
      conda: conda.yaml
      virtualenv: python_env.yaml
    loader_module: mlflow.onnx
    python_version: 3.11.9
mlflow_version: 2.17.2
model_uuid: 5d5b3c1e0b5e4f0f9a1f3f1d2f0b6a7c
signature:
  inputs: '[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 4]}}]'
  outputs: '[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 3]}}]'
  params: null
utc_time_created: '2024-11-05 09:12:44.120034'
`;

function mlflowEntries(folder: string): { name: string; content: Content }[] {
  return [
    { name: `${folder}/MLmodel`, content: MLMODEL },
    { name: `${folder}/model.onnx`, content: irisModel() },
    { name: `${folder}/conda.yaml`, content: 'name: mlflow-env\ndependencies:\n- python=3.11.9\n' },
    { name: `${folder}/python_env.yaml`, content: 'python: 3.11.9\n' },
    { name: `${folder}/requirements.txt`, content: 'mlflow==2.17.2\nonnx==1.17.0\n' },
  ];
}

export const IRIS_FEATURES = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];

export function irisCsv(): string {
  const rows = IRIS.map((row) => [...row.slice(0, 4), IRIS_SPECIES[row[4]]].join(','));
  return [[...IRIS_FEATURES, 'species'].join(','), ...rows].join('\n') + '\n';
}

const MANIFEST = `description: Iris classifier, trained with Adam for 500 epochs
model: models/iris.onnx
features: [${IRIS_FEATURES.join(', ')}]
labels: [setosa, versicolor, virginica]
reference_data: data/reference.csv
metadata:
  git_commit: 3f2c1d0
  training_run: https://mlflow.example.com/#/experiments/4/runs/9b1f
  metrics:
    accuracy: 0.97
`;

/** Builds fixtures into `dir`. */
export class Fixtures {
  constructor(readonly dir: string) {}

  private async write(filename: string, content: Content): Promise<Fixture> {
    const path = join(this.dir, `${Math.random().toString(36).slice(2, 8)}-${filename}`);
    await writeFile(path, content);
    return { path, filename };
  }

  tarGz(filename: string, entries: readonly TarEntry[]): Promise<Fixture> {
    return tarBytes(entries).then((tarball) => this.write(filename, gzipSync(tarball)));
  }

  zip(filename: string, entries: readonly ZipEntry[]): Promise<Fixture> {
    return zipBytes(entries).then((zip) => this.write(filename, zip));
  }

  // Valid artifacts.

  onnx = () => this.write('classifier.onnx', mlpModel());
  onnxGz = () => this.write('classifier.onnx.gz', gzipSync(mlpModel()));
  tarGzFlat = () =>
    this.tarGz('classifier.tar.gz', [
      { name: 'model.onnx', content: mlpModel() },
      { name: 'README.md', content: '# classifier\n' },
    ]);
  tgz = () => this.tarGz('classifier.tgz', [{ name: 'classifier.onnx', content: mlpModel() }]);
  zipFlat = () =>
    this.zip('classifier.zip', [
      { name: 'model.onnx', content: mlpModel() },
      { name: 'README.md', content: '# classifier\n' },
    ]);
  tarGzTopFolder = () =>
    this.tarGz('classifier.tar.gz', [
      { name: 'classifier/', type: 'directory' },
      { name: 'classifier/model.onnx', content: mlpModel() },
      { name: 'classifier/docs/notes.txt', content: 'trained on iris\n' },
    ]);
  mlflowTarGz = () => this.tarGz('iris-mlflow.tar.gz', mlflowEntries('model'));
  mlflowZip = () => this.zip('iris-mlflow.zip', mlflowEntries('model'));
  withManifest = () =>
    this.tarGz('iris.tar.gz', [
      { name: 'iris/slipway.yaml', content: MANIFEST },
      { name: 'iris/models/iris.onnx', content: irisModel() },
      { name: 'iris/models/baseline.onnx', content: mlpModel() },
      { name: 'iris/data/reference.csv', content: irisCsv() },
    ]);
  externalData = () => {
    const { model, weights } = externalDataModel();
    return this.tarGz('external.tar.gz', [
      { name: 'model.onnx', content: model },
      { name: 'weights.bin', content: weights },
    ]);
  };

  // Hostile or broken artifacts.

  traversal = () => this.tarGz('evil.tar.gz', [{ name: '../evil.onnx', content: mlpModel() }]);
  absolutePath = () =>
    this.tarGz('evil.tar.gz', [
      { name: 'model.onnx', content: mlpModel() },
      { name: '/etc/passwd', content: 'root:x:0:0\n' },
    ]);
  backslashTraversal = () => this.tarGz('evil.tar.gz', [{ name: '..\\..\\evil.onnx', content: mlpModel() }]);
  symlink = () => this.tarGz('evil.tar.gz', [{ name: 'model.onnx', type: 'symlink', linkname: '/etc/passwd' }]);
  hardlink = () =>
    this.tarGz('evil.tar.gz', [
      { name: 'model.onnx', content: mlpModel() },
      { name: 'passwd', type: 'link', linkname: '/etc/passwd' },
    ]);
  charDevice = () =>
    this.tarGz('evil.tar.gz', [
      { name: 'model.onnx', content: mlpModel() },
      { name: 'null', type: 'character-device' },
    ]);
  fifo = () =>
    this.tarGz('evil.tar.gz', [
      { name: 'model.onnx', content: mlpModel() },
      { name: 'pipe', type: 'fifo' },
    ]);
  nestedZipInTarGz = async () => {
    const inner = await zipBytes([{ name: 'model.onnx', content: mlpModel() }]);
    return this.tarGz('nested.tar.gz', [
      { name: 'model.onnx', content: mlpModel() },
      { name: 'extra/inner.zip', content: inner },
    ]);
  };
  /** A gzip stream hiding behind an innocent name: caught by its magic bytes. */
  nestedGzipByMagic = () =>
    this.tarGz('nested.tar.gz', [
      { name: 'model.onnx', content: mlpModel() },
      { name: 'weights.bin', content: gzipSync(Buffer.alloc(100)) },
    ]);
  duplicateTar = () =>
    this.tarGz('dup.tar.gz', [
      { name: 'model.onnx', content: mlpModel(1) },
      { name: './model.onnx', content: mlpModel(2) },
    ]);
  fileFolderClash = () =>
    this.tarGz('clash.tar.gz', [
      { name: 'model.onnx', content: mlpModel() },
      { name: 'model.onnx/weights.bin', content: 'x' },
    ]);
  truncatedTarGz = async () => {
    const tarball = gzipSync(await tarBytes([{ name: 'model.onnx', content: mlpModel() }]));
    return this.write('truncated.tar.gz', tarball.subarray(0, Math.floor(tarball.length / 2)));
  };
  /** Complete gzip around half a tar. */
  truncatedTar = async () => {
    const tarball = await tarBytes([{ name: 'model.onnx', content: mlpModel() }]);
    return this.write('truncated.tar.gz', gzipSync(tarball.subarray(0, 700)));
  };
  notGzip = () => this.write('model.tar.gz', 'this is not a tarball\n');
  garbageInGzip = () => this.write('model.tar.gz', gzipSync(Buffer.from('x'.repeat(2000))));
  textModel = () => this.write('model.onnx', '<!DOCTYPE html><html><body>404 Not Found</body></html>\n');
  emptyModel = () => this.write('model.onnx', '');
  zipAsOnnx = async () => this.write('model.onnx', await zipBytes([{ name: 'model.onnx', content: mlpModel() }]));
  noModel = () => this.tarGz('empty.tar.gz', [{ name: 'README.md', content: 'no model here\n' }]);
  twoModels = () =>
    this.tarGz('two.tar.gz', [
      { name: 'a.onnx', content: mlpModel(1) },
      { name: 'b.onnx', content: mlpModel(2) },
    ]);
  manifestUnknownKey = () =>
    this.tarGz('m.tar.gz', [
      { name: 'slipway.yaml', content: 'model: model.onnx\nlables: [a, b, c]\n' },
      { name: 'model.onnx', content: mlpModel() },
    ]);
  manifestMissingModel = () =>
    this.tarGz('m.tar.gz', [
      { name: 'slipway.yaml', content: 'model: models/missing.onnx\n' },
      { name: 'model.onnx', content: mlpModel() },
    ]);
  manifestMissingReference = () =>
    this.tarGz('m.tar.gz', [
      { name: 'slipway.yaml', content: 'reference_data: data/ref.csv\n' },
      { name: 'model.onnx', content: mlpModel() },
    ]);
  manifestNotYaml = () =>
    this.tarGz('m.tar.gz', [
      { name: 'slipway.yaml', content: 'model: [unclosed\n' },
      { name: 'model.onnx', content: mlpModel() },
    ]);
  /** Unpacks fine; `checkManifestAgainstSignature` is what objects (3 features for a 4-column input). */
  manifestFeaturesMismatch = () =>
    this.tarGz('m.tar.gz', [
      { name: 'slipway.yaml', content: 'features: [a, b, c]\nlabels: [x, y, z]\n' },
      { name: 'model.onnx', content: mlpModel() },
    ]);
  mlmodelWithoutOnnx = () =>
    this.tarGz('mlflow.tar.gz', [
      { name: 'model/MLmodel', content: 'flavors:\n  pytorch:\n    model_data: data\n  keras:\n    data: data\n' },
      { name: 'model/model.onnx', content: mlpModel() },
    ]);
  textModelInArchive = () => this.tarGz('text.tar.gz', [{ name: 'model.onnx', content: 'ir_version: 8\ngraph { }\n' }]);
  gzipBomb = async () => {
    const path = join(this.dir, 'bomb.onnx.gz');
    await pipeline(Readable.from(zeros(64 * 1024 ** 2)), createGzip({ level: 9 }), createWriteStream(path));
    return { path, filename: 'model.onnx.gz' };
  };
  zipBomb = async () => {
    const path = join(this.dir, 'bomb.zip');
    const zip = new yazl.ZipFile();
    zip.addBuffer(Buffer.from(mlpModel()), 'model.onnx');
    zip.addReadStream(Readable.from(zeros(50 * 1024 ** 2)), 'weights.bin');
    zip.end();
    await pipeline(zip.outputStream, createWriteStream(path));
    return { path, filename: 'bomb.zip' };
  };
  /** Each entry is under the size where ratios are checked; together they are a bomb. */
  zipManySmallBombs = () => {
    const zeros = Buffer.alloc(1024 ** 2);
    return this.zip(
      'bombs.zip',
      Array.from({ length: 100 }, (_, i) => ({ name: `part-${i}.bin`, content: zeros })),
    );
  };
  zipTraversal = async () =>
    this.write('evil.zip', patchBytes(await zipBytes([{ name: 'xx/evil.onnx', content: mlpModel() }]), 'xx/evil.onnx', '../evil.onnx'));
  zipBackslashTraversal = async () =>
    this.write('evil.zip', patchBytes(await zipBytes([{ name: 'xx_xx_evil.onnx', content: mlpModel() }]), 'xx_xx_evil.onnx', '..\\..\\evil.onnx'));
  zipAbsolutePath = async () =>
    this.write('evil.zip', patchBytes(await zipBytes([{ name: 'xetc/passwd', content: 'root:x:0:0\n' }]), 'xetc/passwd', '/etc/passwd'));
  zipDriveLetter = async () =>
    this.write('evil.zip', patchBytes(await zipBytes([{ name: 'xxWindows/evil.onnx', content: mlpModel() }]), 'xxWindows', 'C:Windows'));
  zipSymlink = () => this.zip('evil.zip', [{ name: 'model.onnx', content: '/etc/passwd', mode: 0o120777 }]);
  zipFifo = () =>
    this.zip('evil.zip', [
      { name: 'model.onnx', content: mlpModel() },
      { name: 'pipe', content: '', mode: 0o010644 },
    ]);
  /** yazl writes whatever names it is given, but patching the second name keeps the fixture honest either way. */
  zipDuplicate = async () =>
    this.write(
      'dup.zip',
      patchBytes(
        await zipBytes([
          { name: 'model.onnx', content: mlpModel(1) },
          { name: 'modXl.onnx', content: mlpModel(2) },
        ]),
        'modXl.onnx',
        'model.onnx',
      ),
    );
  zipNested = async () => {
    const inner = gzipSync(await tarBytes([{ name: 'model.onnx', content: mlpModel() }]));
    return this.zip('nested.zip', [{ name: 'model.tgz', content: inner }]);
  };
  /** Stored entry with a flipped byte: only the CRC-32 check notices. */
  zipCrcMismatch = async () => {
    const zip = await zipBytes([{ name: 'model.onnx', content: mlpModel(), compress: false }]);
    const at = Math.floor(zip.length / 2);
    zip[at] = (zip[at] ?? 0) ^ 0xff;
    return this.write('corrupt.zip', zip);
  };
  zipCorruptDeflate = async () => {
    const zip = await zipBytes([{ name: 'model.onnx', content: mlpModel() }]);
    const middle = Math.floor(zip.length / 2);
    const region = zip.subarray(middle - 8, middle + 8);
    for (const [i, byte] of region.entries()) region[i] = byte ^ 0x5a;
    return this.write('corrupt.zip', zip);
  };
  zipTruncatedCentralDirectory = async () => {
    const zip = await zipBytes([
      { name: 'model.onnx', content: mlpModel() },
      { name: 'README.md', content: 'hi\n' },
    ]);
    return this.write('truncated.zip', zip.subarray(0, zip.length - 40));
  };
  manyEntries = (count: number) =>
    this.tarGz(
      'many.tar.gz',
      Array.from({ length: count }, (_, i) => (i === 0 ? { name: 'model.onnx', content: mlpModel() } : { name: `f${i}.txt`, content: 'x' })),
    );
  unsupportedName = () => this.write('model.pt', 'pickle');
}
