import path from 'node:path';
import { type Mount, type SandboxCommand, sandboxCommand } from '@slipway/environments';

/*
 * How a replica starts its Python process, through the platform's one sandbox (@slipway/environments): an allowlisted
 * environment (never the replica's token, Redis URL or anything of the platform's), a private scratch directory as its
 * working directory and HOME, and under bubblewrap its model directory read-only at /model, the runner script at
 * /runner and its scratch at /scratch: nothing of the platform's data directory.
 */

/** Where the model, the runner script and the scratch directory are mounted inside the sandbox. */
export const SANDBOX_PATHS = { model: '/model', runner: '/runner', scratch: '/scratch' } as const;

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

export type PythonCommand = SandboxCommand<Record<keyof typeof SANDBOX_PATHS, Mount>> & {
  /** The model directory as the process sees it (what `load` is told). */
  modelDir: string;
};

/** The command line that starts the runner script, under bubblewrap when `bwrap` is given. */
export function pythonCommand(options: PythonProcessOptions): PythonCommand {
  const command = sandboxCommand({
    bwrap: options.bwrap,
    mounts: {
      model: { host: options.modelDir, inside: SANDBOX_PATHS.model },
      runner: { host: options.runnerDir, inside: SANDBOX_PATHS.runner },
      scratch: { host: options.scratchDir, inside: SANDBOX_PATHS.scratch, writable: true },
    },
    workDir: 'scratch',
    hostEnv: options.hostEnv,
    executables: [options.python],
    argv: (paths) => [options.python, '-u', path.join(paths.runner, 'slipway_runner.py')],
  });
  return { ...command, modelDir: command.paths.model };
}
