import { describe, expect, it } from 'vitest';
import { allowlistedEnv, sandboxCommand } from './sandbox';

describe('the sandbox for user code', () => {
  const hostEnv = { DATABASE_URL: 'postgresql://secret', SLIPWAY_INTERNAL_TOKEN: 'token', LANG: 'C.UTF-8' };
  const spec = {
    hostEnv,
    mounts: {
      app: { host: '/data/artifacts/abc', inside: '/app' },
      work: { host: '/tmp/w', inside: '/work', writable: true },
      extra: null,
    },
    workDir: 'work' as const,
    env: { PORT: '8080' },
    executables: ['/data/environments/k/bin/python'],
    argv: (paths: { app: string; work: string; extra: string | undefined }) => ['/data/environments/k/bin/python', `${paths.app}/main.py`, String(paths.extra)],
  };

  it('without bubblewrap runs the argv at the host paths, with only the allowlisted environment and the extra variables', () => {
    expect(sandboxCommand({ ...spec, bwrap: undefined })).toEqual({
      command: '/data/environments/k/bin/python',
      args: ['/data/artifacts/abc/main.py', 'undefined'],
      env: allowlistedEnv(hostEnv, '/tmp/w', { PORT: '8080' }),
      cwd: '/tmp/w',
      paths: { app: '/data/artifacts/abc', work: '/tmp/w' },
      sandboxed: false,
    });
    expect(allowlistedEnv(hostEnv, '/tmp/w')).toEqual({
      PATH: '/usr/local/bin:/usr/bin:/bin',
      HOME: '/tmp/w',
      TMPDIR: '/tmp/w',
      PYTHONUNBUFFERED: '1',
      PYTHONDONTWRITEBYTECODE: '1',
      PYTHONNOUSERSITE: '1',
      LANG: 'C.UTF-8',
    });
  });

  it('under bubblewrap shows each mount at its inside path (read-only unless writable), the executable’s environment, nothing else', () => {
    const command = sandboxCommand({ ...spec, bwrap: '/usr/bin/bwrap' });
    expect(command).toMatchObject({ command: '/usr/bin/bwrap', env: {}, cwd: '/tmp/w', sandboxed: true, paths: { app: '/app', work: '/work' } });
    const args = command.args.join(' ');
    expect(args).toContain('--clearenv');
    expect(args).toContain('--setenv PORT 8080');
    expect(args).toContain('--setenv HOME /work');
    expect(args).toContain('--ro-bind /data/artifacts/abc /app');
    expect(args).toContain('--bind /tmp/w /work');
    expect(args).toContain('--ro-bind /data/environments/k /data/environments/k');
    expect(args).toContain('--share-net');
    expect(args).toMatch(/--chdir \/work -- \/data\/environments\/k\/bin\/python \/app\/main\.py undefined$/);
    expect(args).not.toContain('secret');
    expect(sandboxCommand({ ...spec, bwrap: '/usr/bin/bwrap', shareNet: false }).args).not.toContain('--share-net');
  });

  it('refuses a working directory that is not a writable mount', () => {
    expect(() => sandboxCommand({ ...spec, workDir: 'app' as never, bwrap: undefined })).toThrow(/must be a writable mount/);
  });
});
