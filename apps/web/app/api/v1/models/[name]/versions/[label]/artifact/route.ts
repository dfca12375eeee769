import { Readable } from 'node:stream';
import { serverContext } from '@/lib/server/context';
import { route } from '@/lib/server/route';
import { findVersion } from '@/lib/server/versions';

/** The original artifact, byte for byte as uploaded, streamed from storage. */
export const GET = route<{ name: string; label: string }>({}, async ({ user, params }) => {
  const version = await findVersion(user, params, 'viewer');
  const stream = await serverContext().store.createReadStream(version.digest);
  return new Response(Readable.toWeb(stream) as ReadableStream, {
    headers: {
      'content-type': 'application/octet-stream',
      'content-length': String(version.sizeBytes),
      'content-disposition': `attachment; filename="${version.filename.replace(/["\\\r\n]/g, '_')}"`,
      etag: `"sha256:${version.digest}"`,
    },
  });
});
