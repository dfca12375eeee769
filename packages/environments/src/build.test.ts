import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildEnvironment, EnvironmentBuildError, SYSTEM_PYTHON } from './build';
import { resolveBwrap } from './sandbox';

/*
 * Real environment builds: Debian's python3 (python3-venv, python3-pip, python3-numpy) makes the venvs, pip installs
 * offline from a wheel this test writes itself, under bubblewrap when it is installed.
 */

/** A pure-Python wheel `name-version-py3-none-any.whl` whose package knows its version, written with the standard library. */
const WHEEL_WRITER = `
import sys, zipfile, hashlib, base64
name, version, out = sys.argv[1:4]
info = f"{name}-{version}.dist-info"
files = {f"{name}/__init__.py": f"VERSION = '{version}'\\n",
         f"{info}/METADATA": f"Metadata-Version: 2.1\\nName: {name}\\nVersion: {version}\\n",
         f"{info}/WHEEL": "Wheel-Version: 1.0\\nGenerator: slipway-test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n"}
record = []
with zipfile.ZipFile(f"{out}/{name}-{version}-py3-none-any.whl", "w") as z:
    for path, text in files.items():
        z.writestr(path, text)
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()
        record.append(f"{path},sha256={digest},{len(text.encode())}")
    z.writestr(f"{info}/RECORD", "\\n".join(record + [f"{info}/RECORD,,"]) + "\\n")
`;

describe('building a Python environment', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'slipway-env-test-'));
  const root = path.join(dir, 'environments');
  const bwrap = resolveBwrap('auto');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** An artifact's environment files: requirements.txt and wheels/ (written when given). */
  function artifact(name: string, requirements: string | null, wheels: [string, string][] = []) {
    const at = path.join(dir, name);
    mkdirSync(path.join(at, 'wheels'), { recursive: true });
    if (requirements !== null) writeFileSync(path.join(at, 'requirements.txt'), requirements);
    for (const [wheel, version] of wheels) execFileSync(SYSTEM_PYTHON, ['-c', WHEEL_WRITER, wheel, version, path.join(at, 'wheels')]);
    const wheelFiles = readdirSync(path.join(at, 'wheels')).map((file) => path.join(at, 'wheels', file));
    return { pythonVersion: null, requirementsFile: requirements === null ? null : path.join(at, 'requirements.txt'), wheelFiles, root, bwrap };
  }

  const run = (python: string, code: string) => execFileSync(python, ['-c', code], { encoding: 'utf8' }).trim();

  it('installs requirements offline from the artifact’s wheels, beside the system’s numpy and scikit-learn, once for two versions', async () => {
    const inputs = artifact('with-wheel', 'slipway_demo==1.0\n', [['slipway_demo', '1.0']]);
    const both = await Promise.all([buildEnvironment(inputs), buildEnvironment(inputs)]);
    // Whichever takes the lock first builds; the other waits for it and reuses what it built.
    expect(both.map((b) => b.reused).sort()).toEqual([false, true]);
    const first = both.find((b) => !b.reused)!;
    const second = both.find((b) => b.reused)!;
    expect(second).toMatchObject({ key: first.key, python: first.python, reused: true });
    expect(first.log).toContain('Successfully installed slipway_demo-1.0');
    expect(run(first.python, 'import slipway_demo, numpy, sklearn; print(slipway_demo.VERSION)')).toBe('1.0');
    // One environment, no leftovers of the build (temporary directory, lock).
    expect(readdirSync(root)).toEqual([first.key]);

    // A later version carrying the same requirements and the same wheel (its bytes: a rebuilt wheel differs in its timestamps).
    const again = artifact('same-again', 'slipway_demo==1.0\n');
    cpSync(path.join(dir, 'with-wheel', 'wheels'), path.join(dir, 'same-again', 'wheels'), { recursive: true });
    const later = await buildEnvironment({ ...again, wheelFiles: inputs.wheelFiles.map((file) => file.replace('with-wheel', 'same-again')) });
    expect(later).toMatchObject({ key: first.key, reused: true });
    expect(later.log).toBe(first.log);
  });

  it('keys the environment by its requirements and wheels: another wheel version is another environment', async () => {
    const one = await buildEnvironment(artifact('v1', 'slipway_demo\n', [['slipway_demo', '1.0']]));
    const two = await buildEnvironment(artifact('v2', 'slipway_demo\n', [['slipway_demo', '2.0']]));
    expect(two.key).not.toBe(one.key);
    expect(run(two.python, 'import slipway_demo; print(slipway_demo.VERSION)')).toBe('2.0');
  });

  it('without requirements is the system’s Python with its packages', async () => {
    const built = await buildEnvironment(artifact('plain', null));
    expect(run(built.python, 'import sys, sklearn; print(sys.prefix != sys.base_prefix)')).toBe('True');
  });

  it('fails with pip’s own error lines on a requirement no wheel provides, leaving nothing behind', async () => {
    const before = readdirSync(root).sort();
    const failure = await buildEnvironment(artifact('bad', 'slipway-no-such-package>=9\n')).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(EnvironmentBuildError);
    expect((failure as Error).message).toMatch(/^ERROR: .*slipway-no-such-package>=9/m);
    expect((failure as EnvironmentBuildError).log).toContain('No matching distribution found for slipway-no-such-package>=9');
    expect(readdirSync(root).sort()).toEqual(before);
  });

  it('refuses a Python version this host does not have, saying which it has', async () => {
    const failure = buildEnvironment({ ...artifact('old', null), pythonVersion: '3.6' });
    await expect(failure).rejects.toThrow(/the model needs Python 3\.6; this host's \/usr\/bin\/python3 is Python 3\.\d+\.\d+/);
    expect(existsSync(root)).toBe(true);
  });
});
