import { describe, expect, it } from 'vitest';
import { withoutHostPaths } from './host-paths';

const root = '/srv/slipway/.data/artifact-cache/3f2c1d0e9b';

describe('user-facing messages without host paths', () => {
  it('names a file of the artifact as the artifact names it', () => {
    const message = `Load model from ${root}/models/iris.onnx failed: Protobuf parsing failed.`;
    expect(withoutHostPaths(message, root)).toBe('Load model from models/iris.onnx failed: Protobuf parsing failed.');
  });

  it('reduces any other absolute path to its last segment', () => {
    expect(withoutHostPaths("ENOENT: no such file or directory, open '/srv/slipway/.data/blobs/ab/abcdef'")).toBe(
      "ENOENT: no such file or directory, open 'abcdef'",
    );
    expect(withoutHostPaths(`reference data data/ref.csv: cannot read ${root}/data/ref.csv`, root)).toBe(
      'reference data data/ref.csv: cannot read data/ref.csv',
    );
    expect(withoutHostPaths(`could not unpack into ${root}`, root)).toBe('could not unpack into the artifact');
  });

  it('leaves relative names, URLs and ratios alone', () => {
    const message = 'input 0 expects float32 [N,4]; see https://onnx.ai/onnx/operators/ and models/iris.onnx, 3/4 of rows';
    expect(withoutHostPaths(message)).toBe(message);
  });
});
