import { describe, expect, it } from 'vitest';
import { allowlistedEnv as predictorEnv } from '@slipway/environments';
import { pythonCommand } from './sandbox';
import { encodeFrame, type Frame, FrameReader, type WireReply } from './wire';

describe('the Python wire', () => {
  it('reads frames however the pipe splits them, with each tensor at an 8-byte aligned offset', () => {
    const first = encodeFrame({ type: 'result', id: 1 }, [
      { name: 'label', dtype: 'int64', shape: [3], data: new BigInt64Array([1n, -2n, 3n]) },
      { name: 'flag', dtype: 'bool', shape: [3], data: new Uint8Array([1, 0, 1]) },
      { name: 'score', dtype: 'float32', shape: [1], data: new Float32Array([0.5]) },
      { name: 'text', dtype: 'string', shape: [2], data: ['ünï', ''] },
    ]);
    const second = encodeFrame({ type: 'error', id: 2, error_type: 'ValueError', message: 'bad' });
    const bytes = Buffer.concat([...first, ...second]);
    const frames: Frame<WireReply>[] = [];
    const reader = new FrameReader<WireReply>((frame) => frames.push(frame));
    for (let at = 0; at < bytes.length; at += 3) reader.push(bytes.subarray(at, at + 3));

    expect(frames.map((f) => f.header.type)).toEqual(['result', 'error']);
    const header = frames[0]!.header as Extract<WireReply, { type: 'result' }>;
    expect(header.tensors.map((t) => t.offset)).toEqual([0, 24, 32, 40]);
    expect(frames[0]!.tensors).toEqual([
      { name: 'label', dtype: 'int64', shape: [3], data: new BigInt64Array([1n, -2n, 3n]) },
      { name: 'flag', dtype: 'bool', shape: [3], data: new Uint8Array([1, 0, 1]) },
      { name: 'score', dtype: 'float32', shape: [1], data: new Float32Array([0.5]) },
      { name: 'text', dtype: 'string', shape: [2], data: ['ünï', ''] },
    ]);
    expect(frames[1]!.header).toEqual({ type: 'error', id: 2, error_type: 'ValueError', message: 'bad' });
  });
});

describe('the Python process command', () => {
  const hostEnv = { DATABASE_URL: 'postgresql://secret', SLIPWAY_REPLICA_TOKEN: 'token', LANG: 'C.UTF-8', OMP_NUM_THREADS: '2' };
  const options = { python: '/usr/bin/python3', runnerDir: '/app/python', modelDir: '/data/models/m', scratchDir: '/tmp/s', hostEnv };

  it('passes only the allowlisted environment, with HOME and TMPDIR in the scratch directory', () => {
    expect(predictorEnv(hostEnv, '/tmp/s')).toEqual({
      PATH: '/usr/local/bin:/usr/bin:/bin',
      HOME: '/tmp/s',
      TMPDIR: '/tmp/s',
      PYTHONUNBUFFERED: '1',
      PYTHONDONTWRITEBYTECODE: '1',
      PYTHONNOUSERSITE: '1',
      LANG: 'C.UTF-8',
      OMP_NUM_THREADS: '2',
    });
  });

  it('runs the script directly without bubblewrap, and with it shows the model read-only at /model and a venv where it lives', () => {
    expect(pythonCommand({ ...options, bwrap: undefined })).toMatchObject({
      command: '/usr/bin/python3',
      args: ['-u', '/app/python/slipway_runner.py'],
      cwd: '/tmp/s',
      modelDir: '/data/models/m',
      sandboxed: false,
    });
    const sandboxed = pythonCommand({ ...options, python: '/envs/abc/bin/python', bwrap: '/usr/bin/bwrap' });
    expect(sandboxed).toMatchObject({ command: '/usr/bin/bwrap', env: {}, modelDir: '/model', sandboxed: true });
    const args = sandboxed.args.join(' ');
    expect(args).toContain('--clearenv');
    expect(args).toContain('--ro-bind /data/models/m /model');
    expect(args).toContain('--bind /tmp/s /scratch');
    expect(args).toContain('--ro-bind /envs/abc /envs/abc');
    expect(args).toMatch(/--die-with-parent .* -- \/envs\/abc\/bin\/python -u \/runner\/slipway_runner\.py$/);
    expect(args).not.toContain('secret');
    expect(args).not.toContain('/data/models/m /data');
  });
});
