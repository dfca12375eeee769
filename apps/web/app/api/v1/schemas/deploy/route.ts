import { deploymentFileJsonSchema } from '@slipway/core';
import { API } from '@/lib/server/api-catalogue';
import { route } from '@/lib/server/route';

/** The JSON Schema of slipway.deploy.yaml, for editors (public: it holds no data). */
export const GET = route(API.getDeployFileSchema, async () => deploymentFileJsonSchema());
