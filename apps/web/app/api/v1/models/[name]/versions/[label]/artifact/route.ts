import { Readable } from 'node:stream';
import { requireTeamRole } from '@/lib/server/auth';
import { serverContext } from '@/lib/server/context';
import { notFound } from '@/lib/server/errors';
import { route } from '@/lib/server/route';

/** The original artifact, byte for byte as uploaded, streamed from storage. */
export const GET = route<{ name: string; label: string }>({}, async ({ user, params }) => {
  const { db, store } = serverContext();
  const label = Number(params.label.replace(/^v/, ''));
  const model = await db.model.findUnique({ where: { name: params.name } });
  if (!model) throw notFound(`model '${params.name}'`);
  requireTeamRole(user, model.teamId, 'viewer', `model '${params.name}'`);
  const version = Number.isInteger(label) ? await db.modelVersion.findUnique({ where: { modelId_label: { modelId: model.id, label } } }) : null;
  if (!version) throw notFound(`version '${params.label}' of '${params.name}'`);
  const stream = await store.createReadStream(version.digest);
  return new Response(Readable.toWeb(stream) as ReadableStream, {
    headers: {
      'content-type': 'application/octet-stream',
      'content-length': String(version.sizeBytes),
      'content-disposition': `attachment; filename="${version.filename.replace(/["\\\r\n]/g, '_')}"`,
      etag: `"sha256:${version.digest}"`,
    },
  });
});
