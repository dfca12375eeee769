import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModelSignature } from '@slipway/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkManifestAgainstSignature, readSlipwayManifest, slipwayManifestSchema } from './manifest';

const signature: ModelSignature = {
  inputs: [{ name: 'features', dtype: 'float32', shape: [null, 4] }],
  outputs: [
    { name: 'label', dtype: 'int64', shape: [null] },
    { name: 'probabilities', dtype: 'float32', shape: [null, 3] },
  ],
};

describe('slipwayManifestSchema', () => {
  it('accepts every documented key', () => {
    const manifest = {
      description: 'iris',
      model: 'models/iris.onnx',
      features: ['a', 'b', 'c', 'd'],
      labels: ['x', 'y', 'z'],
      reference_data: 'data/ref.jsonl',
      metadata: { git_commit: 'abc', metrics: { accuracy: 0.9 } },
    };
    expect(slipwayManifestSchema.parse(manifest)).toEqual(manifest);
  });

  it('rejects unknown keys and other reference data formats', () => {
    expect(slipwayManifestSchema.safeParse({ modle: 'x.onnx' }).success).toBe(false);
    expect(slipwayManifestSchema.safeParse({ reference_data: 'ref.parquet' }).success).toBe(false);
  });
});

describe('checkManifestAgainstSignature', () => {
  it('is null when features and labels fit', () => {
    expect(checkManifestAgainstSignature({ features: ['a', 'b', 'c', 'd'], labels: ['x', 'y', 'z'] }, signature)).toBeNull();
    expect(checkManifestAgainstSignature({}, signature)).toBeNull();
  });

  it('names every mismatch', () => {
    expect(checkManifestAgainstSignature({ features: ['a'], labels: ['x', 'y'] }, signature)).toBe(
      "slipway.yaml lists 1 features, but input 'features' has 4 columns; slipway.yaml lists 2 labels, but output 'probabilities' has 3 classes",
    );
  });

  it('ignores dynamic dimensions and models without a 2-D float output', () => {
    const dynamic: ModelSignature = {
      inputs: [{ name: 'x', dtype: 'float32', shape: [null, null] }],
      outputs: [{ name: 'y', dtype: 'int64', shape: [null, 2] }],
    };
    expect(checkManifestAgainstSignature({ features: ['a'], labels: ['x'] }, dynamic)).toBeNull();
  });
});

describe('readSlipwayManifest', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'slipway-manifest-test-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const file = (path: string) => ({ path, sizeBytes: 1 });

  it('is null without a manifest and reads slipway.yml too', async () => {
    expect(await readSlipwayManifest(dir, [file('model.onnx')])).toBeNull();
    await writeFile(join(dir, 'slipway.yml'), 'model: ./nested//model.onnx\n');
    expect(await readSlipwayManifest(dir, [file('slipway.yml'), file('nested/model.onnx')])).toEqual({
      manifest: { model: './nested//model.onnx' },
      modelFile: 'nested/model.onnx',
      referenceDataFile: null,
      python: null,
      service: null,
    });
  });

  it('rejects two manifests, paths outside the artifact and non-mappings', async () => {
    await writeFile(join(dir, 'slipway.yaml'), 'model: ../model.onnx\n');
    await expect(readSlipwayManifest(dir, [file('slipway.yaml'), file('slipway.yml')])).rejects.toMatchObject({
      code: 'invalid_manifest',
      message: expect.stringContaining('both slipway.yaml and slipway.yml'),
    });
    await expect(readSlipwayManifest(dir, [file('slipway.yaml')])).rejects.toMatchObject({
      code: 'invalid_manifest',
      message: expect.stringContaining('outside the artifact'),
    });
    await writeFile(join(dir, 'slipway.yaml'), '- model.onnx\n');
    await expect(readSlipwayManifest(dir, [file('slipway.yaml')])).rejects.toMatchObject({
      code: 'invalid_manifest',
      message: expect.stringContaining('must be a YAML mapping'),
    });
  });

  it('names the offending field', async () => {
    await writeFile(join(dir, 'slipway.yaml'), 'features: [a, 2, {b: c}]\n');
    await expect(readSlipwayManifest(dir, [file('slipway.yaml')])).rejects.toMatchObject({
      code: 'invalid_manifest',
      message: expect.stringMatching(/features\.2: /),
    });
  });
});
