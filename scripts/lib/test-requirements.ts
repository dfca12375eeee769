import { spawnSync } from 'node:child_process';
import { accessSync, constants, readdirSync } from 'node:fs';
import path from 'node:path';
import { onPath, type SystemRequirement } from './system-packages';

/** The browser the journeys drive (e2e/browser.ts): Debian's Chromium. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** What the journeys (e2e/) need from the machine beyond Node, Postgres and Redis. */
export const JOURNEY_REQUIREMENTS: readonly SystemRequirement[] = [
  { purpose: 'the browser journeys (e2e/)', packages: ['chromium'], present: () => executable(CHROMIUM_PATH) },
  { purpose: 'the Python client journey (e2e/python-client.test.ts)', packages: ['python3'], present: () => onPath('python3') },
];

/** What the Python model runtime's tests (apps/runtime, real Python from Debian) need: numpy, scikit-learn, venv and pip, bubblewrap. */
export const PYTHON_MODEL_REQUIREMENTS: readonly SystemRequirement[] = [
  {
    purpose: 'Python models (apps/runtime/src/runners/python)',
    packages: ['python3-numpy', 'python3-sklearn'],
    present: () => spawnSync('/usr/bin/python3', ['-c', 'import numpy, sklearn'], { stdio: 'ignore' }).status === 0,
  },
  {
    purpose: 'building Python environments (packages/environments)',
    packages: ['python3-venv', 'python3-pip'],
    present: () => spawnSync('/usr/bin/python3', ['-c', 'import ensurepip, venv, pip'], { stdio: 'ignore' }).status === 0,
  },
  { purpose: 'isolating user code (bubblewrap)', packages: ['bubblewrap'], present: () => onPath('bwrap') },
];

/**
 * Whether a test run includes journeys: yes with no file filter (`npm test`), or when a filter matches
 * a file under e2e/ as vitest matches them (a substring of the path). Options (`-t name`) are not filters.
 */
export function runsJourneys(args: readonly string[], journeyFiles: readonly string[]): boolean {
  const filters = args.filter((arg) => !arg.startsWith('-') && (arg.includes('/') || arg.includes('.test')));
  if (filters.length === 0) return true;
  return filters.some((filter) => {
    const normalised = filter.replace(/^\.\//, '');
    return journeyFiles.some((file) => file.includes(normalised));
  });
}

/** The requirements of `npm test` with these arguments. */
export function testRequirements(root: string, args: readonly string[]): readonly SystemRequirement[] {
  const journeyFiles = readdirSync(path.join(root, 'e2e'))
    .filter((name) => name.endsWith('.test.ts'))
    .map((name) => `e2e/${name}`);
  return [...PYTHON_MODEL_REQUIREMENTS, ...(runsJourneys(args, journeyFiles) ? JOURNEY_REQUIREMENTS : [])];
}
