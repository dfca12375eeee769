import { ArtifactError } from './errors';

const ARCHIVE_EXTENSIONS = ['.zip', '.tar', '.tgz', '.tar.gz', '.gz', '.7z', '.rar'];

const ARCHIVE_MAGIC: readonly { kind: string; bytes: readonly number[] }[] = [
  { kind: 'zip', bytes: [0x50, 0x4b, 0x03, 0x04] },
  { kind: 'zip', bytes: [0x50, 0x4b, 0x05, 0x06] }, // empty zip
  { kind: 'gzip', bytes: [0x1f, 0x8b] },
  { kind: '7z', bytes: [0x37, 0x7a, 0xbc, 0xaf] },
  { kind: 'rar', bytes: [0x52, 0x61, 0x72, 0x21] },
];

/** Bytes needed from the start of a file for `archiveKindFromMagic`. */
export const MAGIC_BYTES = 4;

export function archiveKindFromMagic(head: Uint8Array): string | null {
  const match = ARCHIVE_MAGIC.find(({ bytes }) => head.length >= bytes.length && bytes.every((b, i) => head[i] === b));
  return match?.kind ?? null;
}

export function assertNotArchiveName(path: string): void {
  const lower = path.toLowerCase();
  const extension = ARCHIVE_EXTENSIONS.find((ext) => lower.endsWith(ext));
  if (extension) {
    throw new ArtifactError('nested_archive', `Archive entry '${path}' is itself an archive (${extension}); put its files directly in the uploaded archive.`);
  }
}

export function nestedArchiveError(path: string, kind: string): ArtifactError {
  return new ArtifactError('nested_archive', `Archive entry '${path}' is a ${kind} archive; put its files directly in the uploaded archive.`);
}
