import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The script that runs a Python predictor (a replica's process, or a version's inspection): `slipway_runner.py`. */
export const PYTHON_RUNNER_SCRIPT = 'slipway_runner.py';

/**
 * The directory holding the runner script and its built-in predictors (MLflow): packages/environments/python, found from
 * the sources (src/) or from an app's bundle (apps/<app>/dist/main.js).
 */
export const PYTHON_RUNNER_DIR = [new URL('../python/', import.meta.url), new URL('../../../packages/environments/python/', import.meta.url)]
  .map((url) => fileURLToPath(url))
  .find((dir) => existsSync(`${dir}${PYTHON_RUNNER_SCRIPT}`)) as string;
