import { describe, expect, it } from 'vitest';
import { ensureSystemPackages, planSystemPackages, type SystemRequirement } from './system-packages';
import { runsJourneys } from './test-requirements';

/** A requirement whose presence a test controls: installing it (through the recorded apt-get) makes it present. */
function requirement(purpose: string, packages: string[], present = false): SystemRequirement & { installed: boolean } {
  const r = { purpose, packages, installed: present, present: () => r.installed };
  return r;
}

const ROOT = { isRoot: true, hasAptGet: true };
const USER = { isRoot: false, hasAptGet: true };

describe('planSystemPackages', () => {
  it('does nothing when every requirement is present', () => {
    expect(planSystemPackages([requirement('the browser journeys', ['chromium'], true)], USER)).toEqual({ action: 'none' });
  });

  it('installs, as root with apt-get, the packages of the missing requirements only, each once', () => {
    const plan = planSystemPackages(
      [
        requirement('the browser journeys', ['chromium'], true),
        requirement('Python models', ['python3', 'python3-numpy']),
        requirement('scikit-learn models', ['python3', 'python3-sklearn']),
      ],
      ROOT,
    );
    expect(plan).toEqual({ action: 'install', packages: ['python3', 'python3-numpy', 'python3-sklearn'], purposes: ['Python models', 'scikit-learn models'] });
  });

  it('stops a non-root user with the exact command to run', () => {
    const plan = planSystemPackages([requirement('the browser journeys (e2e/)', ['chromium']), requirement('the Python client journey', ['python3'])], USER);
    expect(plan.action).toBe('refuse');
    const message = plan.action === 'refuse' ? plan.message : '';
    expect(message).toContain('sudo apt-get install -y chromium python3\n');
    expect(message).toContain('the browser journeys (e2e/) needs chromium; the Python client journey needs python3');
  });

  it('names the packages and the way round when the machine has no apt-get', () => {
    const missing = { ...requirement('a private PostgreSQL', ['postgresql']), alternative: 'or set DATABASE_URL' };
    const plan = planSystemPackages([missing], { isRoot: true, hasAptGet: false });
    expect(plan).toEqual({
      action: 'refuse',
      message: expect.stringMatching(
        /no apt-get: install the equivalent of the Debian package postgresql, then run this command again \(or set DATABASE_URL\)/,
      ),
    });
  });
});

describe('ensureSystemPackages', () => {
  it('runs apt-get update then install as root, and checks again afterwards', () => {
    const chromium = requirement('the browser journeys', ['chromium']);
    const calls: string[][] = [];
    ensureSystemPackages([chromium], ROOT, (args) => {
      calls.push(args);
      if (args[0] === 'install') chromium.installed = true;
    });
    expect(calls).toEqual([
      ['update', '-qq'],
      ['install', '-y', '-qq', 'chromium'],
    ]);
  });

  it('fails when the packages installed but the requirement is still missing', () => {
    expect(() => ensureSystemPackages([requirement('the browser journeys', ['chromium'])], ROOT, () => {})).toThrow(/still find nothing/);
  });

  it('throws the refusal without calling apt-get when not root', () => {
    const calls: string[][] = [];
    expect(() => ensureSystemPackages([requirement('the browser journeys', ['chromium'])], USER, (args) => calls.push(args))).toThrow(
      /sudo apt-get install -y chromium/,
    );
    expect(calls).toEqual([]);
  });
});

describe('runsJourneys', () => {
  const journeys = ['e2e/journey.test.ts', 'e2e/python-client.test.ts'];

  it('is true for a whole run and for options that are not file filters', () => {
    expect(runsJourneys([], journeys)).toBe(true);
    expect(runsJourneys(['-t', 'deploys iris'], journeys)).toBe(true);
  });

  it('is true when a file filter matches a journey, false when every filter is elsewhere', () => {
    expect(runsJourneys(['e2e/journey.test.ts'], journeys)).toBe(true);
    expect(runsJourneys(['./e2e/python-client.test.ts'], journeys)).toBe(true);
    expect(runsJourneys(['packages/core/src/traffic.test.ts', 'scripts/lib/supervisor.test.ts'], journeys)).toBe(false);
  });
});
