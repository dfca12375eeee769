import { RUNNER_SANDBOX_PATHS, type RunnerCommand, type RunnerProcessOptions, runnerCommand } from '@slipway/environments';

/*
 * How a replica starts its Python process: the runner script through the platform's one sandbox (@slipway/environments),
 * with an allowlisted environment (never the replica's token, Redis URL or anything of the platform's), a private
 * scratch directory as its working directory and HOME, and under bubblewrap its model directory read-only at /model,
 * the runner script at /runner and its scratch at /scratch: nothing of the platform's data directory.
 */

/** Where the model, the runner script and the scratch directory are mounted inside the sandbox. */
export const SANDBOX_PATHS = RUNNER_SANDBOX_PATHS;

export type PythonProcessOptions = RunnerProcessOptions & { runnerDir: string };

export type PythonCommand = RunnerCommand & {
  /** The model directory as the process sees it (what `load` is told). */
  modelDir: string;
};

/** The command line that starts the runner script, under bubblewrap when `bwrap` is given. */
export function pythonCommand(options: PythonProcessOptions): PythonCommand {
  const command = runnerCommand(options);
  return { ...command, modelDir: command.paths.model };
}
