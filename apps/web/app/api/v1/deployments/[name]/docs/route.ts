import { webEnv } from '@/lib/server/env';
import { deploymentDocsFor, serializeDocsVersions } from '@/lib/server/model-docs';
import { API } from '@/lib/server/api-catalogue';
import { route } from '@/lib/server/route';

/** What the docs page needs besides the OpenAPI document: the versions to pick from and what each one breaks. */
export const GET = route(API.getDeploymentDocs, async ({ user, params }) => {
  const docs = await deploymentDocsFor(user, params.name);
  return { deployment: params.name, model: docs.modelName, gatewayUrl: webEnv().SLIPWAY_GATEWAY_URL, versions: serializeDocsVersions(docs) };
});
