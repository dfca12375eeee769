import { capture, isRoot, run } from './run';
import { step } from './log';

/**
 * Something `npm start` or `npm test` needs from the machine, and the Debian packages that provide it:
 * Postgres and Redis for the platform, Chromium for the browser journeys, and later python3, numpy,
 * scikit-learn or bubblewrap. Every one of them goes through `ensureSystemPackages`.
 */
export interface SystemRequirement {
  /** Who needs it, for the messages: "the browser journeys (e2e/)". */
  purpose: string;
  /** Debian packages that provide it. */
  packages: readonly string[];
  /** Whether the machine has it already (checked before and after installing). */
  present(): boolean;
  /** A way round installing, appended to the refusal: "or set DATABASE_URL". */
  alternative?: string;
}

export interface Host {
  isRoot: boolean;
  hasAptGet: boolean;
}

export type SystemPackagePlan = { action: 'none' } | { action: 'install'; packages: string[]; purposes: string[] } | { action: 'refuse'; message: string };

/** What to do about the requirements not met: nothing, install with apt-get (root only), or stop with the command to run. */
export function planSystemPackages(requirements: readonly SystemRequirement[], host: Host): SystemPackagePlan {
  const missing = requirements.filter((requirement) => !requirement.present());
  if (missing.length === 0) return { action: 'none' };
  const packages = [...new Set(missing.flatMap((requirement) => requirement.packages))];
  const purposes = missing.map((requirement) => requirement.purpose);
  if (host.isRoot && host.hasAptGet) return { action: 'install', packages, purposes };
  const needs = missing.map((requirement) => `${requirement.purpose} need${requirement.packages.length > 1 ? '' : 's'} ${requirement.packages.join(', ')}`);
  const alternatives = missing.flatMap((requirement) => (requirement.alternative ? [requirement.alternative] : []));
  const how = host.hasAptGet
    ? `Install with:\n    sudo apt-get install -y ${packages.join(' ')}\n  then run this command again`
    : `This machine has no apt-get: install the equivalent of the Debian package${packages.length > 1 ? 's' : ''} ${packages.join(', ')}, then run this command again`;
  return {
    action: 'refuse',
    message: `${needs.join('; ')}, which ${missing.length > 1 ? 'are' : 'is'} not installed.\n  ${how}${alternatives.length ? ` (${alternatives.join('; ')})` : ''}.`,
  };
}

export function currentHost(): Host {
  return { isRoot: isRoot(), hasAptGet: capture('which', ['apt-get']) !== null };
}

/** Runs apt-get; a collaborator so that the decision around it can be tested without installing anything. */
export type AptGet = (args: string[]) => void;

const aptGet: AptGet = (args) => run('apt-get', args, { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });

/**
 * Makes sure the requirements are met: installs what is missing with apt-get when running as root
 * (saying so), else throws at once with the exact command to run.
 */
export function ensureSystemPackages(requirements: readonly SystemRequirement[], host: Host = currentHost(), apt: AptGet = aptGet): void {
  const plan = planSystemPackages(requirements, host);
  if (plan.action === 'none') return;
  if (plan.action === 'refuse') throw new Error(plan.message);
  step(`installing ${plan.packages.join(', ')} with apt-get, as root (for ${plan.purposes.join('; ')})`);
  apt(['update', '-qq']);
  apt(['install', '-y', '-qq', ...plan.packages]);
  const stillMissing = requirements.filter((requirement) => !requirement.present());
  if (stillMissing.length) throw new Error(`installed ${plan.packages.join(', ')}, but ${stillMissing.map((r) => r.purpose).join('; ')} still find nothing`);
}

/** Whether a command is on the PATH. */
export function onPath(command: string): boolean {
  return capture('which', [command]) !== null;
}
