import { requireTeamRole } from '@/lib/server/auth';
import { serverContext } from '@/lib/server/context';
import { notFound } from '@/lib/server/errors';
import { registerVersion } from '@/lib/server/register-version';
import { API } from '@/lib/server/api-catalogue';
import { route } from '@/lib/server/route';
import { serializeVersion, versionInclude } from '@/lib/server/serializers';

async function findModel(name: string) {
  const model = await serverContext().db.model.findUnique({ where: { name } });
  if (!model) throw notFound(`model '${name}'`);
  return model;
}

export const GET = route(API.listVersions, async ({ user, params }) => {
  const model = await findModel(params.name);
  requireTeamRole(user, model.teamId, 'viewer', `model '${params.name}'`);
  const versions = await serverContext().db.modelVersion.findMany({
    where: { modelId: model.id },
    include: versionInclude,
    orderBy: { label: 'desc' },
  });
  return { versions: versions.map(serializeVersion) };
});

/** The body is the raw artifact (`curl -T model.onnx …?filename=model.onnx`), streamed to storage. */
const upload: Parameters<typeof route<typeof API.uploadVersion>>[1] = async ({ req, user, params, query }) => {
  const model = await findModel(params.name);
  requireTeamRole(user, model.teamId, 'member', `model '${params.name}'`);
  const declared = Number(req.headers.get('content-length'));
  const { version, created } = await registerVersion({
    modelId: model.id,
    userId: user.id,
    filename: query.filename,
    body: req.body,
    sizeHint: Number.isFinite(declared) && declared > 0 ? declared : undefined,
  });
  return Response.json({ version, deduplicated: !created }, { status: created ? 202 : 200 });
};

export const POST = route(API.uploadVersion, upload);

/** `curl -T model.tar.gz "…/versions?filename=model.tar.gz"` sends a PUT. */
export const PUT = route(API.putVersion, upload);
