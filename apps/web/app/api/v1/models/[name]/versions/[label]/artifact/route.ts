import { Readable } from 'node:stream';
import contentDisposition from 'content-disposition';
import { serverContext } from '@/lib/server/context';
import { API } from '@/lib/server/api-catalogue';
import { route } from '@/lib/server/route';
import { findVersion } from '@/lib/server/versions';

/** The original artifact, byte for byte as uploaded, streamed from storage. */
export const GET = route(API.downloadArtifact, async ({ user, params }) => {
  const version = await findVersion(user, params, 'viewer');
  const stream = await serverContext().store.createReadStream(version.digest);
  return new Response(Readable.toWeb(stream) as ReadableStream, {
    headers: {
      'content-type': 'application/octet-stream',
      'content-length': String(version.sizeBytes),
      // RFC 6266: an ASCII fallback and `filename*=UTF-8''…` for names beyond Latin-1 (a raw one would fail the response).
      'content-disposition': contentDisposition(version.filename),
      etag: `"sha256:${version.digest}"`,
    },
  });
});
