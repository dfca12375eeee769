import { ArtifactError } from './errors';

/**
 * The archive entry name as a safe relative POSIX path ('' for the archive root itself, e.g. './').
 * Backslashes count as separators, so `..\evil` is caught like `../evil`; any `..` segment is refused,
 * even one that would stay inside the archive.
 */
export function normalizeEntryPath(rawName: string): string {
  const unsafe = (why: string) => new ArtifactError('unsafe_path', `Archive entry '${rawName}' ${why}; paths must stay inside the archive.`);
  if (rawName.includes('\0')) throw unsafe('contains a NUL character');
  const name = rawName.replace(/\\/g, '/');
  if (name.startsWith('/')) throw unsafe('is an absolute path');
  if (/^[a-zA-Z]:/.test(name)) throw unsafe('starts with a drive letter');
  const segments = name.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) throw unsafe("contains '..'");
  return segments.join('/');
}

/** Folders containing `path`, outermost first: 'a/b/c' → ['a', 'a/b']. */
export function parentPaths(path: string): string[] {
  const segments = path.split('/');
  return segments.slice(1).map((_, i) => segments.slice(0, i + 1).join('/'));
}
