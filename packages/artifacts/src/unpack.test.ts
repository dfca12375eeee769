import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { must, signatureFromOrtMetadata } from '@slipway/core';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArtifactError, type ArtifactErrorCode } from './errors';
import { INSPECT_TMP_PREFIX, inspectArtifact } from './inspect';
import { checkManifestAgainstSignature } from './manifest';
import { computeReferenceStats } from './reference-stats';
import { PARTIAL_SUFFIX } from './staging-dir';
import { Fixtures, mlpModel, type Fixture } from './test/fixtures';
import { unpackArtifact, type UnpackedArtifact } from './unpack';

let work: string;
let fixtures: Fixtures;
let outputs = 0;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'slipway-artifacts-test-'));
  await mkdir(join(work, 'fixtures'));
  fixtures = new Fixtures(join(work, 'fixtures'));
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const newDestDir = () => join(work, 'out', `artifact-${outputs++}`);

async function leftovers(destDir: string): Promise<string[]> {
  const siblings = await readdir(dirname(destDir)).catch(() => [] as string[]);
  return siblings.filter((name) => name === basename(destDir) || name.startsWith(basename(destDir) + PARTIAL_SUFFIX));
}

async function inspectTmpDirs(): Promise<string[]> {
  return (await readdir(tmpdir())).filter((name) => name.startsWith(INSPECT_TMP_PREFIX));
}

const FEATURES = Float32Array.from([5.1, 3.5, 1.4, 0.2, 6.7, 3.0, 5.2, 2.3]);

async function runModel(path: string): Promise<{ probabilities: Float32Array; label: BigInt64Array }> {
  const session = await ort.InferenceSession.create(path);
  try {
    const result = await session.run({ features: new ort.Tensor('float32', FEATURES, [2, 4]) });
    return { probabilities: must(result.probabilities, 'probabilities').data as Float32Array, label: must(result.label, 'label').data as BigInt64Array };
  } finally {
    await session.release();
  }
}

async function unpackFixture(build: () => Promise<Fixture>, limits?: Parameters<typeof unpackArtifact>[0]['limits']) {
  const { path, filename } = await build();
  const destDir = newDestDir();
  return { destDir, artifact: await unpackArtifact({ archivePath: path, filename, destDir, limits }) };
}

describe('unpackArtifact with valid artifacts', () => {
  const cases: [name: string, build: () => Promise<Fixture>, expected: Partial<UnpackedArtifact>][] = [
    ['.onnx', () => fixtures.onnx(), { format: 'onnx', modelFile: 'model.onnx' }],
    ['.onnx.gz', () => fixtures.onnxGz(), { format: 'onnx.gz', modelFile: 'model.onnx' }],
    ['.tar.gz', () => fixtures.tarGzFlat(), { format: 'tar.gz', modelFile: 'model.onnx' }],
    ['.tgz', () => fixtures.tgz(), { format: 'tar.gz', modelFile: 'classifier.onnx' }],
    ['.zip', () => fixtures.zipFlat(), { format: 'zip', modelFile: 'model.onnx' }],
    ['.tar.gz with a top-level folder', () => fixtures.tarGzTopFolder(), { modelFile: 'model.onnx' }],
    ['MLflow model as .tar.gz', () => fixtures.mlflowTarGz(), { modelFile: 'model.onnx' }],
    ['MLflow model as .zip', () => fixtures.mlflowZip(), { format: 'zip', modelFile: 'model.onnx' }],
    ['slipway.yaml choosing between two models', () => fixtures.withManifest(), { modelFile: 'models/iris.onnx' }],
    ['external-data ONNX', () => fixtures.externalData(), { modelFile: 'model.onnx' }],
  ];

  it.each(cases)('%s unpacks and its model loads in onnxruntime', async (_name, build, expected) => {
    const { destDir, artifact } = await unpackFixture(build);
    expect(artifact).toMatchObject({ ...expected, root: destDir });
    expect(await leftovers(destDir)).toEqual([basename(destDir)]);
    for (const file of artifact.files) expect((await stat(join(destDir, file.path))).size).toBe(file.sizeBytes);
    const { label } = await runModel(join(destDir, artifact.modelFile));
    expect(label).toHaveLength(2);
  });

  it('strips the single top-level folder', async () => {
    const { artifact } = await unpackFixture(() => fixtures.tarGzTopFolder());
    expect(artifact.files.map((f) => f.path)).toEqual(['docs/notes.txt', 'model.onnx']);
  });

  it('reads the MLmodel onnx flavor and keeps its signature', async () => {
    const { artifact } = await unpackFixture(() => fixtures.mlflowZip());
    expect(artifact.mlflow).toMatchObject({ flavor: 'onnx', modelFile: 'model.onnx', signature: { inputs: expect.stringContaining('float32') } });
    expect(artifact.files.map((f) => f.path)).toEqual(['MLmodel', 'conda.yaml', 'model.onnx', 'python_env.yaml', 'requirements.txt']);
  });

  it('returns the manifest and a reference data file that computeReferenceStats reads', async () => {
    const { destDir, artifact } = await unpackFixture(() => fixtures.withManifest());
    expect(artifact.manifest).toMatchObject({
      labels: ['setosa', 'versicolor', 'virginica'],
      metadata: { git_commit: '3f2c1d0', metrics: { accuracy: 0.97 } },
    });
    expect(artifact.referenceDataFile).toBe('data/reference.csv');
    const stats = await computeReferenceStats(join(destDir, artifact.referenceDataFile!));
    expect(stats.rows).toBe(150);
    expect(stats.columns.map((c) => [c.name, c.kind])).toEqual([
      ['sepal_length', 'numeric'],
      ['sepal_width', 'numeric'],
      ['petal_length', 'numeric'],
      ['petal_width', 'numeric'],
      ['species', 'categorical'],
    ]);
  });

  it('serves the external-data model with the weights from its side file', async () => {
    const { destDir, artifact } = await unpackFixture(() => fixtures.externalData());
    expect(artifact.files.map((f) => f.path)).toEqual(['model.onnx', 'weights.bin']);
    const inlineDir = newDestDir();
    await mkdir(inlineDir, { recursive: true });
    await writeFile(join(inlineDir, 'inline.onnx'), mlpModel(3));
    const external = await runModel(join(destDir, artifact.modelFile));
    const inline = await runModel(join(inlineDir, 'inline.onnx'));
    expect(Array.from(external.probabilities)).toEqual(Array.from(inline.probabilities));
  });

  it('lets checkManifestAgainstSignature catch features that do not fit the model', async () => {
    const { destDir, artifact } = await unpackFixture(() => fixtures.manifestFeaturesMismatch());
    const session = await ort.InferenceSession.create(join(destDir, artifact.modelFile));
    const signature = signatureFromOrtMetadata(session.inputMetadata, session.outputMetadata);
    await session.release();
    expect(checkManifestAgainstSignature(artifact.manifest!, signature)).toBe("slipway.yaml lists 3 features, but input 'features' has 4 columns");
  });

  it('refuses a destDir that already exists and leaves it alone', async () => {
    const { path, filename } = await fixtures.onnx();
    const destDir = newDestDir();
    await mkdir(destDir, { recursive: true });
    await writeFile(join(destDir, 'keep.txt'), 'mine');
    await expect(unpackArtifact({ archivePath: path, filename, destDir })).rejects.toThrow(/already exists/);
    expect(await readdir(destDir)).toEqual(['keep.txt']);
  });
});

describe('hostile and broken artifacts', () => {
  const cases: [name: string, build: () => Promise<Fixture>, code: ArtifactErrorCode, message?: RegExp][] = [
    ['unsupported extension', () => fixtures.unsupportedName(), 'unsupported_format', /model\.pt/],
    ['../ path', () => fixtures.traversal(), 'unsafe_path', /'\.\.\/evil\.onnx'/],
    ['absolute path', () => fixtures.absolutePath(), 'unsafe_path', /'\/etc\/passwd' is an absolute path/],
    ['backslash traversal', () => fixtures.backslashTraversal(), 'unsafe_path', /\.\.\\\.\.\\evil\.onnx/],
    ['symlink', () => fixtures.symlink(), 'link_entry', /symbolic link \(to '\/etc\/passwd'\)/],
    ['hard link', () => fixtures.hardlink(), 'link_entry', /'passwd' is a hard link/],
    ['character device', () => fixtures.charDevice(), 'special_file', /'null' is a character device/],
    ['fifo', () => fixtures.fifo(), 'special_file', /'pipe'/],
    ['zip inside a tar.gz', () => fixtures.nestedZipInTarGz(), 'nested_archive', /'extra\/inner\.zip'/],
    ['gzip data under an innocent name', () => fixtures.nestedGzipByMagic(), 'nested_archive', /'weights\.bin' is a gzip archive/],
    ['tar.gz inside a zip', () => fixtures.zipNested(), 'nested_archive', /'model\.tgz'/],
    ['tar with the same file twice', () => fixtures.duplicateTar(), 'duplicate_entry', /'model\.onnx' more than once/],
    ['zip with the same file twice', () => fixtures.zipDuplicate(), 'duplicate_entry', /'model\.onnx' more than once/],
    ['a file that is also a folder', () => fixtures.fileFolderClash(), 'duplicate_entry', /both as a file and as a folder/],
    ['truncated tar.gz', () => fixtures.truncatedTarGz(), 'corrupt_archive', /truncated\.tar\.gz/],
    ['truncated tar in complete gzip', () => fixtures.truncatedTar(), 'corrupt_archive'],
    ['.tar.gz that is not gzip', () => fixtures.notGzip(), 'corrupt_archive', /not gzip-compressed/],
    ['gzip that is not a tar', () => fixtures.garbageInGzip(), 'corrupt_archive'],
    ['zip with a CRC mismatch', () => fixtures.zipCrcMismatch(), 'corrupt_archive', /CRC-32/],
    ['zip with corrupt deflate data', () => fixtures.zipCorruptDeflate(), 'corrupt_archive'],
    ['zip with a truncated central directory', () => fixtures.zipTruncatedCentralDirectory(), 'corrupt_archive'],
    ['zip ../ path', () => fixtures.zipTraversal(), 'unsafe_path', /'\.\.\/evil\.onnx'/],
    ['zip backslash traversal', () => fixtures.zipBackslashTraversal(), 'unsafe_path'],
    ['zip absolute path', () => fixtures.zipAbsolutePath(), 'unsafe_path', /absolute/],
    ['zip drive letter', () => fixtures.zipDriveLetter(), 'unsafe_path', /drive letter/],
    ['zip symlink', () => fixtures.zipSymlink(), 'link_entry'],
    ['zip fifo', () => fixtures.zipFifo(), 'special_file'],
    ['zip bomb', () => fixtures.zipBomb(), 'compression_ratio', /'weights\.bin' decompresses more than 200 times/],
    ['zip of many small bombs', () => fixtures.zipManySmallBombs(), 'compression_ratio', /bombs\.zip decompresses more than 200 times/],
    ['gzip bomb as .onnx.gz', () => fixtures.gzipBomb(), 'compression_ratio', /model\.onnx\.gz decompresses more than 200 times/],
    ['text file named model.onnx', () => fixtures.textModel(), 'not_onnx', /starts with the text "<!DOCTYPE html>/],
    ['empty model.onnx', () => fixtures.emptyModel(), 'not_onnx', /empty/],
    ['zip named model.onnx', () => fixtures.zipAsOnnx(), 'not_onnx', /zip archive/],
    ['text model inside an archive', () => fixtures.textModelInArchive(), 'not_onnx'],
    ['no .onnx file', () => fixtures.noModel(), 'no_model'],
    ['two .onnx files and no manifest', () => fixtures.twoModels(), 'ambiguous_model', /a\.onnx, b\.onnx/],
    ['manifest with an unknown key', () => fixtures.manifestUnknownKey(), 'invalid_manifest', /unknown key 'lables'/],
    ['manifest naming a missing model', () => fixtures.manifestMissingModel(), 'invalid_manifest', /'models\/missing\.onnx', which is not in the artifact/],
    ['manifest naming missing reference data', () => fixtures.manifestMissingReference(), 'invalid_manifest', /reference_data/],
    ['manifest that is not YAML', () => fixtures.manifestNotYaml(), 'invalid_manifest', /not valid YAML/],
    [
      'MLmodel without a flavor Slipway serves',
      () => fixtures.mlmodelWithoutOnnx(),
      'invalid_manifest',
      /no onnx, sklearn or python_function flavor \(it has pytorch, keras\)/,
    ],
  ];

  it.each(cases)('%s → %s, leaving nothing behind', async (_name, build, code, message) => {
    const { path, filename } = await build();
    const destDir = newDestDir();
    const error = await unpackArtifact({ archivePath: path, filename, destDir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ArtifactError);
    expect((error as ArtifactError).code).toBe(code);
    if (message) expect((error as ArtifactError).message).toMatch(message);
    expect(await leftovers(destDir)).toEqual([]);

    const tmpBefore = await inspectTmpDirs();
    await expect(inspectArtifact({ archivePath: path, filename })).rejects.toMatchObject({ code });
    expect(await inspectTmpDirs()).toEqual(tmpBefore);
  });

  it('maps codes to HTTP statuses', async () => {
    const statusOf = async (build: () => Promise<Fixture>) => {
      const { path, filename } = await build();
      return inspectArtifact({ archivePath: path, filename }).catch((e: ArtifactError) => e.status);
    };
    expect(await statusOf(() => fixtures.unsupportedName())).toBe(415);
    expect(await statusOf(() => fixtures.traversal())).toBe(400);
    expect(await statusOf(() => fixtures.zipBomb())).toBe(413);
    expect(await statusOf(() => fixtures.noModel())).toBe(422);
  });
});

describe('limits', () => {
  it('stops at maxEntries', async () => {
    const error = await unpackFixture(() => fixtures.manyEntries(5), { maxEntries: 4 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'too_large', status: 413, message: expect.stringContaining('more than 4 entries') });
  });

  it('stops at maxEntries for zip before extracting anything', async () => {
    const error = await unpackFixture(() => fixtures.mlflowZip(), { maxEntries: 2 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'too_large' });
  });

  it('stops at maxTotalBytes, naming the entry', async () => {
    const error = await unpackFixture(() => fixtures.tarGzFlat(), { maxTotalBytes: 100 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'too_large', message: expect.stringMatching(/more than 100 B .*'model\.onnx'/) });
  });

  it('stops a highly compressed tar.gz at maxRatio', async () => {
    const build = () =>
      fixtures.tarGz('zeros.tar.gz', [
        { name: 'model.onnx', content: mlpModel() },
        { name: 'weights.bin', content: Buffer.alloc(8 * 1024 ** 2) },
      ]);
    const error = await unpackFixture(build).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'compression_ratio' });
    await expect(unpackFixture(build, { maxRatio: 2000 })).resolves.toBeDefined();
  });
});

describe('inspectArtifact', () => {
  it('returns the metadata without keeping any files', async () => {
    const before = await inspectTmpDirs();
    const { path, filename } = await fixtures.withManifest();
    const artifact = await inspectArtifact({ archivePath: path, filename });
    expect(artifact).not.toHaveProperty('root');
    expect(artifact).toMatchObject({ format: 'tar.gz', modelFile: 'models/iris.onnx', referenceDataFile: 'data/reference.csv' });
    expect(await inspectTmpDirs()).toEqual(before);
  });

  it('reads every byte but writes only previews: the same verdict and sizes as a full unpack', async () => {
    const { path, filename } = await fixtures.zip('assets.zip', [
      { name: 'model.onnx', content: mlpModel() },
      { name: 'assets/vocab.bin', content: Buffer.alloc(200 * 1024, 7), compress: false },
    ]);
    const full = await unpackArtifact({ archivePath: path, filename, destDir: newDestDir() });
    const destDir = newDestDir();
    const preview = await unpackArtifact({ archivePath: path, filename, destDir, previewOnly: true });
    expect({ ...preview, root: '' }).toEqual({ ...full, root: '' });
    expect(preview.files).toContainEqual({ path: 'assets/vocab.bin', sizeBytes: 200 * 1024 });
    expect((await stat(join(destDir, 'assets/vocab.bin'))).size).toBe(64 * 1024);
  });
});
