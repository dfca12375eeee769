import { existsSync, lstatSync, readlinkSync } from 'node:fs';
import path from 'node:path';

/*
 * How a replica starts its Python process. The user's code always gets an allowlisted environment (never the
 * replica's token, Redis URL or anything of the platform's) and a private scratch directory as its working directory
 * and HOME. Under bubblewrap it also sees only the system's /usr (and the few /etc files the dynamic linker needs),
 * its model directory read-only at /model, the runner script at /runner and its scratch at /scratch: nothing of the
 * platform's data directory (other models, uploads, credentials, the database socket).
 */

/** Where the model, the runner script and the scratch directory are mounted inside the sandbox. */
export const SANDBOX_PATHS = { model: '/model', runner: '/runner', scratch: '/scratch' } as const;

/** Host variables a predictor may see (locale, time zone, math libraries' thread counts). */
const PASSED_ENV = ['LANG', 'LC_ALL', 'TZ', 'OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS'];

/** What the dynamic linker and numpy's BLAS (Debian's alternatives) need of /etc; nothing else of it is visible. */
const ETC_FILES = ['/etc/alternatives', '/etc/ld.so.cache', '/etc/ld.so.conf', '/etc/ld.so.conf.d', '/etc/localtime'];

/** System directories shown read-only (merged-/usr systems have /bin, /lib… as symlinks into /usr). */
const SYSTEM_DIRS = ['/usr', '/bin', '/lib', '/lib64', '/lib32'];

export interface PythonProcessOptions {
  /** The interpreter (Debian's /usr/bin/python3, or a version's virtual environment's bin/python). */
  python: string;
  /** The directory holding `slipway_runner.py`. */
  runnerDir: string;
  modelDir: string;
  /** A private writable directory, the process's cwd and HOME. */
  scratchDir: string;
  /** The bubblewrap binary, or undefined to run without a sandbox. */
  bwrap: string | undefined;
  hostEnv: NodeJS.ProcessEnv;
}

export interface PythonCommand {
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
  /** The model directory as the process sees it (what `load` is told). */
  modelDir: string;
  sandboxed: boolean;
}

/** The predictor's whole environment: the allowlist, with HOME and TMPDIR in its scratch directory. */
export function predictorEnv(hostEnv: NodeJS.ProcessEnv, scratchDir: string): Record<string, string> {
  const env: Record<string, string> = {
    PATH: '/usr/local/bin:/usr/bin:/bin',
    HOME: scratchDir,
    TMPDIR: scratchDir,
    PYTHONUNBUFFERED: '1',
    PYTHONDONTWRITEBYTECODE: '1',
    PYTHONNOUSERSITE: '1',
  };
  for (const name of PASSED_ENV) {
    const value = hostEnv[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}

/** The command line that starts the runner script, under bubblewrap when `bwrap` is given. */
export function pythonCommand(options: PythonProcessOptions): PythonCommand {
  const script = (dir: string) => path.join(dir, 'slipway_runner.py');
  if (options.bwrap === undefined) {
    return {
      command: options.python,
      args: ['-u', script(options.runnerDir)],
      env: predictorEnv(options.hostEnv, options.scratchDir),
      cwd: options.scratchDir,
      modelDir: options.modelDir,
      sandboxed: false,
    };
  }
  const env = predictorEnv(options.hostEnv, SANDBOX_PATHS.scratch);
  const args = [
    '--unshare-all',
    '--share-net',
    '--die-with-parent',
    '--new-session',
    '--clearenv',
    ...Object.entries(env).flatMap(([name, value]) => ['--setenv', name, value]),
    ...SYSTEM_DIRS.flatMap(systemMount),
    ...ETC_FILES.filter((file) => existsSync(file)).flatMap((file) => ['--ro-bind', file, file]),
    ...interpreterMount(options.python),
    '--proc',
    '/proc',
    '--dev',
    '/dev',
    '--tmpfs',
    '/tmp',
    '--ro-bind',
    options.modelDir,
    SANDBOX_PATHS.model,
    '--ro-bind',
    options.runnerDir,
    SANDBOX_PATHS.runner,
    '--bind',
    options.scratchDir,
    SANDBOX_PATHS.scratch,
    '--chdir',
    SANDBOX_PATHS.scratch,
    '--',
    options.python,
    '-u',
    script(SANDBOX_PATHS.runner),
  ];
  return { command: options.bwrap, args, env: {}, cwd: options.scratchDir, modelDir: SANDBOX_PATHS.model, sandboxed: true };
}

function systemMount(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const stat = lstatSync(dir);
  return stat.isSymbolicLink() ? ['--symlink', readlinkSync(dir), dir] : ['--ro-bind', dir, dir];
}

/** An interpreter outside the system directories (a virtual environment) is shown read-only where it lives. */
function interpreterMount(python: string): string[] {
  if (SYSTEM_DIRS.some((dir) => python === dir || python.startsWith(`${dir}/`))) return [];
  const environment = path.dirname(path.dirname(python));
  return ['--ro-bind', environment, environment];
}

/** The bubblewrap binary the sandbox setting asks for: `auto` uses it when installed, `on` requires it. */
export function resolveBwrap(setting: 'auto' | 'on' | 'off', candidates: readonly string[] = ['/usr/bin/bwrap', '/usr/local/bin/bwrap']): string | undefined {
  if (setting === 'off') return undefined;
  const found = candidates.find((candidate) => existsSync(candidate));
  if (setting === 'on' && found === undefined) throw new Error('SLIPWAY_SANDBOX=on but bubblewrap (bwrap) is not installed');
  return found;
}
