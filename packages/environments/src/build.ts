import { execFile, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { sandboxCommand } from './sandbox';

/*
 * A Python model's (or service's) virtual environment, built once per distinct (Python version, requirements.txt,
 * wheels) and shared by every version that asks for the same: `<root>/<sha256>/`, a venv made from Debian's python3
 * with `--system-site-packages` (so Debian's numpy and scikit-learn serve where no package index is reachable), its
 * requirements installed by pip offline from the artifact's wheels/ or from the index the operator configures. It is
 * built in a temporary directory and renamed into place (a reader sees a whole environment or none), under a lock (two
 * versions with the same environment build it once). Replicas only ever run its bin/python: no replica runs pip.
 */

const execFileAsync = promisify(execFile);

/** Debian's interpreter: its venvs see python3-numpy and python3-sklearn. */
export const SYSTEM_PYTHON = '/usr/bin/python3';

/** What decides an environment (the files as the artifact carries them). */
export interface EnvironmentInputs {
  /** The Python version the artifact declares ("3.11"), or null for the host's. */
  pythonVersion: string | null;
  /** The requirements file on this host, or null. */
  requirementsFile: string | null;
  /** The wheels/*.whl files on this host, for offline installs. */
  wheelFiles: readonly string[];
}

export interface BuildOptions extends EnvironmentInputs {
  /** Where environments live (under the platform's data directory). */
  root: string;
  basePython?: string;
  /** An operator-configured package index (SLIPWAY_PIP_INDEX_URL); without one pip installs from the wheels only. */
  indexUrl?: string | undefined;
  /** The bubblewrap binary pip runs under, or undefined to run it without a sandbox. */
  bwrap: string | undefined;
  hostEnv?: NodeJS.ProcessEnv;
}

export interface BuiltEnvironment {
  /** sha256 of (Python version, requirements, wheels). */
  key: string;
  dir: string;
  /** The interpreter replicas run. */
  python: string;
  /** The exact Python version, e.g. "3.11.2". */
  pythonVersion: string;
  /** True when an earlier version's build of the same environment is used. */
  reused: boolean;
  /** The build's log (venv and pip output). */
  log: string;
}

/** Why an environment could not be built, with pip's own error lines. */
export class EnvironmentBuildError extends Error {
  constructor(
    message: string,
    readonly log: string,
  ) {
    super(message);
  }
}

const LOG_FILE = 'slipway-build.log';
/** A lock older than this belongs to a build that died with its process. */
const STALE_LOCK_MS = 30 * 60_000;
const LOCK_POLL_MS = 250;

/** The exact version of an interpreter ("3.11.2"). */
export async function interpreterVersion(python: string): Promise<string> {
  const { stdout } = await execFileAsync(python, ['-c', 'import sys; print("%d.%d.%d" % sys.version_info[:3])']);
  return stdout.trim();
}

/** The environment's key: sha256 over the interpreter's version, the requirements and every wheel's name and bytes. */
export async function environmentKey(pythonVersion: string, inputs: Pick<EnvironmentInputs, 'requirementsFile' | 'wheelFiles'>): Promise<string> {
  const hash = createHash('sha256');
  const field = (label: string, value: string | Buffer) => {
    hash.update(`${label}\0${value.length}\0`);
    hash.update(value);
  };
  field('python', pythonVersion);
  field('requirements', inputs.requirementsFile ? await readFile(inputs.requirementsFile) : '');
  for (const wheel of [...inputs.wheelFiles].sort((a, b) => path.basename(a).localeCompare(path.basename(b)))) {
    field('wheel', path.basename(wheel));
    field('wheel-bytes', await readFile(wheel));
  }
  return hash.digest('hex');
}

const building = new Map<string, Promise<BuiltEnvironment>>();

/** The environment these inputs need: an existing one (reused) or one built now. */
export async function buildEnvironment(options: BuildOptions): Promise<BuiltEnvironment> {
  const basePython = options.basePython ?? SYSTEM_PYTHON;
  const pythonVersion = await interpreterVersion(basePython);
  const wanted = options.pythonVersion;
  if (wanted !== null && !`${pythonVersion}.`.startsWith(`${wanted}.`)) {
    throw new EnvironmentBuildError(`the model needs Python ${wanted}; this host's ${basePython} is Python ${pythonVersion}`, '');
  }
  const key = await environmentKey(pythonVersion, options);
  let pending = building.get(key);
  if (!pending) {
    pending = lockedBuild({ ...options, basePython }, key, pythonVersion).finally(() => building.delete(key));
    building.set(key, pending);
    return pending;
  }
  // Another version in this process is building the same environment: once it is built, this one reuses it.
  return { ...(await pending), reused: true };
}

async function existing(root: string, key: string, pythonVersion: string): Promise<BuiltEnvironment | null> {
  const dir = path.join(root, key);
  if (!existsSync(path.join(dir, LOG_FILE))) return null;
  const log = await readFile(path.join(dir, LOG_FILE), 'utf8');
  return { key, dir, python: path.join(dir, 'bin', 'python'), pythonVersion, reused: true, log };
}

async function lockedBuild(options: BuildOptions & { basePython: string }, key: string, pythonVersion: string): Promise<BuiltEnvironment> {
  await mkdir(options.root, { recursive: true });
  const lockPath = path.join(options.root, `${key}.lock`);
  for (;;) {
    const found = await existing(options.root, key, pythonVersion);
    if (found) return found;
    const lock = await open(lockPath, 'wx').catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
      return null;
    });
    if (lock) {
      try {
        return await build(options, key, pythonVersion);
      } finally {
        await lock.close();
        await rm(lockPath, { force: true });
      }
    }
    // Another process on this host holds the lock: wait for its environment (or for its lock to go stale).
    const held = await stat(lockPath).catch(() => null);
    if (held && Date.now() - held.mtimeMs > STALE_LOCK_MS) await rm(lockPath, { force: true });
    await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
  }
}

async function build(options: BuildOptions & { basePython: string }, key: string, pythonVersion: string): Promise<BuiltEnvironment> {
  const temp = path.join(options.root, `.building-${key.slice(0, 16)}-${randomBytes(4).toString('hex')}`);
  const lines: string[] = [];
  try {
    lines.push(`$ ${options.basePython} -m venv --system-site-packages`);
    await run(options.basePython, ['-m', 'venv', '--system-site-packages', '--without-pip', temp], lines, {});
    if (options.requirementsFile) await pipInstall(options, temp, lines);
    else lines.push('no requirements.txt: the environment is Python with the host’s system packages (numpy, scikit-learn…)');
    const log = `${lines.join('\n')}\n`;
    await writeFile(path.join(temp, LOG_FILE), log);
    await rename(temp, path.join(options.root, key));
    return { key, dir: path.join(options.root, key), python: path.join(options.root, key, 'bin', 'python'), pythonVersion, reused: false, log };
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    const log = `${lines.join('\n')}\n`;
    if (error instanceof EnvironmentBuildError) throw new EnvironmentBuildError(error.message, log);
    throw new EnvironmentBuildError(`the environment could not be built: ${(error as Error).message}`, log);
  }
}

/** pip (the system's, run by the venv's interpreter) installs the requirements into the venv, under the sandbox. */
async function pipInstall(options: BuildOptions, venv: string, lines: string[]): Promise<void> {
  const requirements = options.requirementsFile as string;
  const wheelsDir = options.wheelFiles.length > 0 ? path.dirname(options.wheelFiles[0]!) : null;
  const sources = options.indexUrl ? ['--index-url', options.indexUrl] : ['--no-index'];
  const command = sandboxCommand({
    bwrap: options.bwrap,
    // The venv is built where it is mounted (its own paths stay right); the artifact's files are read-only.
    mounts: {
      venv: { host: venv, inside: venv, writable: true },
      requirements: { host: path.dirname(requirements), inside: '/requirements' },
      wheels: wheelsDir ? { host: wheelsDir, inside: '/wheels' } : null,
    },
    workDir: 'venv',
    hostEnv: options.hostEnv ?? process.env,
    // pip's configuration on this host (extra wheel folders, indexes) must not decide what a user's build finds.
    env: { PIP_CONFIG_FILE: '/dev/null', PIP_DISABLE_PIP_VERSION_CHECK: '1', PIP_NO_INPUT: '1' },
    executables: [path.join(venv, 'bin', 'python')],
    argv: (paths) => [
      path.join(venv, 'bin', 'python'),
      '-m',
      'pip',
      'install',
      '--isolated',
      '--no-cache-dir',
      '--only-binary=:all:',
      ...sources,
      ...(paths.wheels ? ['--find-links', paths.wheels] : []),
      '-r',
      path.join(paths.requirements, path.basename(requirements)),
    ],
  });
  lines.push(
    `$ pip install ${options.indexUrl ? `--index-url ${options.indexUrl}` : '--no-index'}${wheelsDir ? ' --find-links wheels/' : ''} -r ${path.basename(requirements)}`,
  );
  await run(command.command, command.args, lines, command.env, command.cwd);
}

/** Runs a build step, its output appended to `lines`; a failure carries the step's error lines. */
function run(command: string, args: string[], lines: string[], env: Record<string, string>, cwd?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { PATH: '/usr/bin:/bin', ...env }, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const output: string[] = [];
    const collect = (chunk: Buffer) => output.push(chunk.toString('utf8'));
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      const text = output.join('').trimEnd();
      if (text) lines.push(text);
      if (code === 0) return resolve();
      reject(new EnvironmentBuildError(errorLines(text) || `${path.basename(command)} exited (${signal ?? `code ${code}`})`, ''));
    });
  });
}

/** pip's own error lines (ERROR: …), or the output's last lines when it printed none. */
export function errorLines(output: string): string {
  const all = output.split('\n').filter((line) => line.trim() !== '');
  const errors = all.filter((line) => /^(ERROR|error):/.test(line.trim()));
  return (errors.length > 0 ? errors : all.slice(-5)).join('\n');
}
