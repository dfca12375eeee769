import { deploymentOpenApi } from '@slipway/db';
import { z } from 'zod';
import { webEnv } from '@/lib/server/env';
import { notFound } from '@/lib/server/errors';
import { deploymentDocsFor } from '@/lib/server/model-docs';
import { API } from '@/lib/server/api-catalogue';
import { route } from '@/lib/server/route';

/** The OpenAPI 3.1 document callers use through the gateway, for the current version or `?version=N`. */
export const GET = route(API.getDeploymentOpenApi, async ({ user, params, query }) => {
  const docs = await deploymentDocsFor(user, params.name);
  const document = deploymentOpenApi(docs, webEnv().SLIPWAY_GATEWAY_URL, query.version);
  if (!document) throw notFound(`version ${query.version} of deployment '${params.name}'`);
  return document;
});
