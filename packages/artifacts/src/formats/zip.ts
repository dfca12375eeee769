import { crc32 } from 'node:zlib';
import yauzl from 'yauzl';
import { normalizeEntryPath } from '../entry-path';
import { ArtifactError, asCorruptArchive } from '../errors';
import type { UnpackBudget } from '../limits';
import { assertNotArchiveName } from '../nested-archive';
import type { StagingDir } from '../staging-dir';

const HOST_UNIX = 3;
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;
const SPECIAL_FILE_NAMES: Record<number, string> = {
  0o010000: 'named pipe (FIFO)',
  0o020000: 'character device',
  0o060000: 'block device',
  0o140000: 'socket',
};
const STORED = 0;
const DEFLATED = 8;

/** The Unix file type bits, when the entry was made on a Unix host and records them; 0 otherwise. */
function unixFileType(entry: yauzl.Entry): number {
  return entry.versionMadeBy >> 8 === HOST_UNIX ? (entry.externalFileAttributes >>> 16) & S_IFMT : 0;
}

/** yauzl checks entry sizes but not checksums. */
async function* checkCrc(chunks: AsyncIterable<Buffer>, expected: number, path: string): AsyncGenerator<Buffer> {
  let crc = 0;
  for await (const chunk of chunks) {
    crc = crc32(chunk, crc);
    yield chunk;
  }
  if (crc !== expected) throw new ArtifactError('corrupt_archive', `Archive entry '${path}' is corrupt: its CRC-32 checksum does not match.`);
}

/** `declaredBytes`: the uncompressed sizes of all entries up to this one. */
async function extractEntry(
  zip: yauzl.ZipFile,
  entry: yauzl.Entry,
  declaredBytes: number,
  archiveName: string,
  staging: StagingDir,
  budget: UnpackBudget,
): Promise<void> {
  // Decoded here rather than by yauzl so unsafe names get our unsafe_path error instead of a generic one.
  const name = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, true);
  const fileType = unixFileType(entry);
  if (fileType === S_IFLNK) {
    throw new ArtifactError('link_entry', `Archive entry '${name}' is a symbolic link; Slipway only accepts regular files and folders.`);
  }
  if (fileType !== 0 && fileType !== S_IFREG && fileType !== S_IFDIR) {
    throw new ArtifactError(
      'special_file',
      `Archive entry '${name}' is a ${SPECIAL_FILE_NAMES[fileType] ?? 'special file'}; Slipway only accepts regular files and folders.`,
    );
  }
  const path = normalizeEntryPath(name);
  if (name.endsWith('/') || fileType === S_IFDIR) {
    await staging.addFolder(path);
    return;
  }
  assertNotArchiveName(path);
  if (entry.isEncrypted()) throw new ArtifactError('unsupported_format', `Archive entry '${path}' is encrypted; upload an unencrypted zip.`);
  if (entry.compressionMethod !== STORED && entry.compressionMethod !== DEFLATED) {
    throw new ArtifactError(
      'unsupported_format',
      `Archive entry '${path}' uses zip compression method ${entry.compressionMethod}; only stored and deflate are supported.`,
    );
  }
  // Sizes come from the central directory, and yauzl fails the stream if the data disagrees with them.
  budget.checkRatio(entry.uncompressedSize, entry.compressedSize, `Archive entry '${path}'`);
  // Entries sharing one compressed stream (overlapping bombs) look innocent one by one, but not in total.
  budget.checkRatio(declaredBytes, zip.fileSize, archiveName);
  const data = await zip.openReadStreamPromise(entry);
  // After an inflate error yauzl's stream can emit a second one (a byte-count assertion) once iteration stopped listening.
  data.on('error', () => {});
  await staging.addFile(path, checkCrc(data, entry.crc32, path), { rejectArchiveContent: true });
}

/** `.zip`: entries are read one at a time from the central directory. */
export async function extractZip(archivePath: string, archiveName: string, staging: StagingDir, budget: UnpackBudget): Promise<void> {
  let zip: yauzl.ZipFile | undefined;
  try {
    zip = await yauzl.openPromise(archivePath, { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true });
    budget.countEntries(zip.entryCount);
    let declaredBytes = 0;
    for await (const entry of zip.eachEntry()) {
      declaredBytes += entry.uncompressedSize;
      await extractEntry(zip, entry, declaredBytes, archiveName, staging, budget);
    }
  } catch (error) {
    throw asCorruptArchive(error, archiveName);
  } finally {
    zip?.close();
  }
}
