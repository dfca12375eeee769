import path from 'node:path';

/** An absolute path not part of a URL: `/a/b/c`, captured up to its last segment. */
const ABSOLUTE_PATH = /(?<![\w.:/~-])\/(?:[^\s'"`:,;()]+\/)*([^\s'"`:,;()]+)/g;

/**
 * A message for users without this host's paths: files inside the unpacked artifact are named as in
 * the artifact (`models/iris.onnx`), any other absolute path by its last segment only.
 */
export function withoutHostPaths(message: string, artifactRoot?: string): string {
  let result = message;
  if (artifactRoot) {
    const root = artifactRoot.replace(/[\\/]+$/, '');
    result = result.split(`${root}${path.sep}`).join('').split(root).join('the artifact');
  }
  return result.replace(ABSOLUTE_PATH, '$1');
}
