import { mkdirSync, readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import path from 'node:path';
import type { ImportKind, Plugin, PluginBuild } from 'esbuild';

/** Our own workspace packages: their TypeScript sources are bundled into each app. */
const WORKSPACE_SCOPE = '@slipway/';
const COMMONJS_NAMESPACE = 'commonjs-dependency';
const INNER_RESOLVE = Symbol('inner resolve');

/**
 * A banner giving the bundle a `require` of its own: esbuild's ESM output calls it for the
 * CommonJS dependencies this plugin loads with require() (see `externalDependencies`).
 */
export const REQUIRE_BANNER = "import { createRequire as __slipwayCreateRequire } from 'node:module'; const require = __slipwayCreateRequire(import.meta.url);";

/** Whether Node loads `file` as an ES module: `.mjs`, or `.js` under a package.json saying `"type": "module"`. */
export function isEsmFile(file: string, readPackageJson: (dir: string) => string | null = readNearestPackageJson): boolean {
  if (file.endsWith('.mjs')) return true;
  if (file.endsWith('.cjs') || !file.endsWith('.js')) return false;
  const json = readPackageJson(path.dirname(file));
  return json !== null && (JSON.parse(json) as { type?: string }).type === 'module';
}

function readNearestPackageJson(dir: string): string | null {
  for (let current = dir; ; current = path.dirname(current)) {
    try {
      return readFileSync(path.join(current, 'package.json'), 'utf8');
    } catch {
      if (path.dirname(current) === current) return null;
    }
  }
}

/** The specifier a bundle in `outDir` uses for a dependency file: relative, with forward slashes. */
export function relativeSpecifier(outDir: string, file: string): string {
  const relative = path.relative(outDir, file).split(path.sep).join('/');
  return relative.startsWith('.') ? relative : `./${relative}`;
}

/**
 * Leaves every installed dependency out of the bundle (native addons such as onnxruntime-node, Prisma's
 * runtime and query compiler, and anything reading files beside its own code keep working as installed)
 * and bundles our workspace packages, whose exports point at TypeScript sources Node cannot run.
 *
 * A dependency keeps its bare name when the bundle's directory resolves it to the same file as the
 * importing package did; otherwise (a version installed under that package's own node_modules, e.g.
 * packages/core/node_modules/cron-parser) the bundle imports that file by relative path.
 *
 * An ES module dependency stays an `import`. A CommonJS one is loaded with require() instead: Node's
 * import of CommonJS sees only the names its static analysis finds (`import { CronExpressionParser } from
 * 'cron-parser'` fails), while esbuild's interop over require() gives every name, as tsx did.
 */
export function externalDependencies(): Plugin {
  return {
    name: 'external-dependencies',
    setup(build) {
      const outDir = bundleDir(build);
      build.onResolve({ filter: /.*/, namespace: COMMONJS_NAMESPACE }, (args) => ({ path: args.path, external: true }));
      build.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.pluginData === INNER_RESOLVE || args.path.startsWith(WORKSPACE_SCOPE)) return undefined;
        if (isBuiltin(args.path)) return { path: args.path, external: true };
        const file = await resolveFile(build, args.path, args.resolveDir, args.kind);
        // Unresolvable here: left to Node at run time, which reports it where it is used.
        if (file === null) return { path: args.path, external: true };
        const specifier = (await resolveFile(build, args.path, outDir, args.kind)) === file ? args.path : relativeSpecifier(outDir, file);
        const loadsAsEsm = args.kind === 'require-call' || isEsmFile(file);
        return loadsAsEsm ? { path: specifier, external: true } : { path: specifier, namespace: COMMONJS_NAMESPACE };
      });
      build.onLoad({ filter: /.*/, namespace: COMMONJS_NAMESPACE }, (args) => ({
        contents: `module.exports = require(${JSON.stringify(args.path)});`,
        loader: 'js',
      }));
    },
  };
}

function bundleDir(build: PluginBuild): string {
  const { outfile, outdir, absWorkingDir = process.cwd() } = build.initialOptions;
  const dir = outdir ?? (outfile ? path.dirname(outfile) : undefined);
  if (!dir) throw new Error('external-dependencies needs outfile or outdir');
  const resolved = path.resolve(absWorkingDir, dir);
  // Created up front: resolving from a directory that does not exist yet finds nothing.
  mkdirSync(resolved, { recursive: true });
  return resolved;
}

async function resolveFile(build: PluginBuild, specifier: string, resolveDir: string, kind: ImportKind): Promise<string | null> {
  const resolved = await build.resolve(specifier, { kind, resolveDir, pluginData: INNER_RESOLVE });
  return resolved.errors.length > 0 || !resolved.path ? null : resolved.path;
}
