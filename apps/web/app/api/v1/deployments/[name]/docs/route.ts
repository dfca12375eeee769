import { webEnv } from '@/lib/server/env';
import { deploymentDocsFor, serializeDocsVersions } from '@/lib/server/model-docs';
import { API } from '@/lib/server/api-catalogue';
import { route } from '@/lib/server/route';
import { serverContext } from '@/lib/server/context';
import { findDeployment } from '@/lib/server/deployments';
import { serviceDocsOf } from '@/lib/server/service-docs';

/** What the docs page needs besides the OpenAPI document: the versions to pick from and what each one breaks. */
export const GET = route(API.getDeploymentDocs, async ({ user, params }) => {
  // A service documents itself: its base URL, health contract and a curl line (and its own OpenAPI, when it serves one).
  const found = await findDeployment(user, params.name, 'viewer');
  const service = await serviceDocsOf(serverContext().db, found.name, webEnv().SLIPWAY_GATEWAY_URL);
  if (service) return { deployment: params.name, model: null, gatewayUrl: webEnv().SLIPWAY_GATEWAY_URL, versions: [], service };
  const docs = await deploymentDocsFor(user, params.name);
  return { deployment: params.name, model: docs.modelName, gatewayUrl: webEnv().SLIPWAY_GATEWAY_URL, versions: serializeDocsVersions(docs) };
});
