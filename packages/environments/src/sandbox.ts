import { existsSync, lstatSync, readlinkSync } from 'node:fs';
import path from 'node:path';

/*
 * How the platform runs user code (a Python predictor, an HTTP service, an environment build): "run this argv in this
 * working directory with this allowlisted environment, these directories read-only, nothing of the platform's data
 * directory". The process always gets only the environment it is given (never a replica token, Redis URL, database URL)
 * and a private writable working directory as its cwd and HOME. Under bubblewrap it also sees only the system's /usr
 * (and the few /etc files the dynamic linker needs) and the directories it is given, at the paths it is given:
 * nothing else of the host (other models, uploads, credentials, the database socket).
 */

/** `auto` uses bubblewrap when installed, `on` requires it, `off` runs without it. */
export type SandboxSetting = 'auto' | 'on' | 'off';

/** Host variables user code may see (locale, time zone, math libraries' thread counts). */
export const PASSED_ENV = ['LANG', 'LC_ALL', 'TZ', 'OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS'] as const;

/** What the dynamic linker and numpy's BLAS (Debian's alternatives) need of /etc; nothing else of it is visible. */
const ETC_FILES = ['/etc/alternatives', '/etc/ld.so.cache', '/etc/ld.so.conf', '/etc/ld.so.conf.d', '/etc/localtime'];

/** System directories shown read-only (merged-/usr systems have /bin, /lib… as symlinks into /usr). */
export const SYSTEM_DIRS = ['/usr', '/bin', '/lib', '/lib64', '/lib32'];

/** A host directory the process sees, at `inside` under bubblewrap (at its host path without it). */
export interface Mount {
  host: string;
  inside: string;
  /** Read-only unless said otherwise. */
  writable?: boolean;
}

/** Where each mount is as the process sees it (a null mount, one not given, has no path). */
export type MountPaths<M extends Mounts> = { [P in keyof M]: M[P] extends Mount ? string : string | undefined };
export type Mounts = Record<string, Mount | null>;

export interface SandboxSpec<M extends Mounts> {
  /** The bubblewrap binary (see resolveBwrap), or undefined to run without a sandbox. */
  bwrap: string | undefined;
  /** The directories the process sees, by name (null: none this time); `argv` is given each one's path as the process sees it. */
  mounts: M;
  /** The mount (writable) that is the process's cwd, HOME and TMPDIR. */
  workDir: NoInfer<keyof M & string>;
  /** The command line, given where each mount is as the process sees it. */
  argv(paths: MountPaths<M>): string[];
  /** Extra variables on top of the allowlist (e.g. PORT for a service). Never a platform secret. */
  env?: Record<string, string>;
  hostEnv: NodeJS.ProcessEnv;
  /** Executables living outside the system directories (a virtual environment's python): shown read-only where they live. */
  executables?: readonly string[];
  /** Keep the host's network namespace (a service listening on a port the gateway reaches); true unless said otherwise. */
  shareNet?: boolean;
}

/** What to spawn. */
export interface SandboxCommand<M extends Mounts> {
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
  /** Each mount as the process sees it. */
  paths: MountPaths<M>;
  sandboxed: boolean;
}

/** The user code's whole environment: the allowlist, with HOME and TMPDIR in its working directory. */
export function allowlistedEnv(hostEnv: NodeJS.ProcessEnv, workDir: string, extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {
    PATH: '/usr/local/bin:/usr/bin:/bin',
    HOME: workDir,
    TMPDIR: workDir,
    PYTHONUNBUFFERED: '1',
    PYTHONDONTWRITEBYTECODE: '1',
    PYTHONNOUSERSITE: '1',
  };
  for (const name of PASSED_ENV) {
    const value = hostEnv[name];
    if (value !== undefined) env[name] = value;
  }
  return { ...env, ...extra };
}

/** The command line that runs `spec.argv`, under bubblewrap when `spec.bwrap` is given. */
export function sandboxCommand<M extends Mounts>(spec: SandboxSpec<M>): SandboxCommand<M> {
  const entries = Object.entries(spec.mounts).filter((entry): entry is [string, Mount] => entry[1] !== null);
  const work = spec.mounts[spec.workDir];
  if (!work?.writable) throw new Error(`the working directory '${spec.workDir}' must be a writable mount`);
  const workHost = work.host;
  if (spec.bwrap === undefined) {
    const paths = Object.fromEntries(entries.map(([key, mount]) => [key, mount.host])) as MountPaths<M>;
    const env = allowlistedEnv(spec.hostEnv, workHost, spec.env);
    return { command: spec.argv(paths)[0]!, args: spec.argv(paths).slice(1), env, cwd: workHost, paths, sandboxed: false };
  }
  const paths = Object.fromEntries(entries.map(([key, mount]) => [key, mount.inside])) as MountPaths<M>;
  const env = allowlistedEnv(spec.hostEnv, work.inside, spec.env);
  const args = [
    '--unshare-all',
    ...(spec.shareNet === false ? [] : ['--share-net']),
    '--die-with-parent',
    '--new-session',
    '--clearenv',
    ...Object.entries(env).flatMap(([name, value]) => ['--setenv', name, value]),
    ...SYSTEM_DIRS.flatMap(systemMount),
    ...ETC_FILES.filter((file) => existsSync(file)).flatMap((file) => ['--ro-bind', file, file]),
    ...(spec.executables ?? []).flatMap(executableMount),
    ...['--proc', '/proc', '--dev', '/dev', '--tmpfs', '/tmp'],
    ...entries.flatMap(([, mount]) => [mount.writable ? '--bind' : '--ro-bind', mount.host, mount.inside]),
    ...['--chdir', work.inside, '--'],
    ...spec.argv(paths),
  ];
  return { command: spec.bwrap, args, env: {}, cwd: workHost, paths, sandboxed: true };
}

function systemMount(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const stat = lstatSync(dir);
  return stat.isSymbolicLink() ? ['--symlink', readlinkSync(dir), dir] : ['--ro-bind', dir, dir];
}

/** An executable outside the system directories (a virtual environment's bin/python) is shown read-only, with its environment. */
function executableMount(executable: string): string[] {
  if (SYSTEM_DIRS.some((dir) => executable === dir || executable.startsWith(`${dir}/`))) return [];
  const environment = path.dirname(path.dirname(executable));
  return ['--ro-bind', environment, environment];
}

/** The bubblewrap binary the sandbox setting asks for: `auto` uses it when installed, `on` requires it. */
export function resolveBwrap(setting: SandboxSetting, candidates: readonly string[] = ['/usr/bin/bwrap', '/usr/local/bin/bwrap']): string | undefined {
  if (setting === 'off') return undefined;
  const found = candidates.find((candidate) => existsSync(candidate));
  if (setting === 'on' && found === undefined) throw new Error('SLIPWAY_SANDBOX=on but bubblewrap (bwrap) is not installed');
  return found;
}
