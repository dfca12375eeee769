import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { normalizeEntryPath } from '../entry-path';
import { ArtifactError, asCorruptArchive, rootCause } from '../errors';
import type { UnpackBudget } from '../limits';
import { assertNotArchiveName } from '../nested-archive';
import type { StagingDir } from '../staging-dir';
import { gunzipFile } from './gzip';

const SPECIAL_FILE_NAMES: Record<string, string> = {
  'character-device': 'character device',
  'block-device': 'block device',
  fifo: 'named pipe (FIFO)',
};

async function extractEntry(header: tar.Header, data: AsyncIterable<Buffer>, staging: StagingDir, budget: UnpackBudget): Promise<void> {
  const { name, type, linkname } = header;
  budget.countEntries(1);
  switch (type) {
    case 'file':
    case 'contiguous-file': {
      const path = normalizeEntryPath(name);
      assertNotArchiveName(path);
      await staging.addFile(path, data, { rejectArchiveContent: true });
      return;
    }
    case 'directory':
      await staging.addFolder(normalizeEntryPath(name));
      return;
    case 'symlink':
    case 'link':
      throw new ArtifactError(
        'link_entry',
        `Archive entry '${name}' is a ${type === 'link' ? 'hard link' : 'symbolic link'} (to '${linkname}'); Slipway only accepts regular files and folders.`,
      );
    default:
      throw new ArtifactError(
        'special_file',
        `Archive entry '${name}' is a ${SPECIAL_FILE_NAMES[type] ?? 'special file'}; Slipway only accepts regular files and folders.`,
      );
  }
}

/** `.tar.gz` / `.tgz`: streams the gunzipped tar through tar-stream, one entry at a time. */
export async function extractTarGz(archivePath: string, archiveName: string, staging: StagingDir, budget: UnpackBudget): Promise<void> {
  const extract = tar.extract();
  const consume = async () => {
    for await (const entry of extract) await extractEntry(entry.header, entry as AsyncIterable<Buffer>, staging, budget);
  };
  const results = await Promise.allSettled([pipeline(gunzipFile(archivePath, archiveName, budget), extract), consume()]);
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
  if (failures.length > 0) throw asCorruptArchive(rootCause(failures), archiveName);
}
