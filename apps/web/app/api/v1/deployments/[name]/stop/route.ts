import { stop } from '@slipway/controller';
import { API } from '@/lib/server/api-catalogue';
import { deploymentAction } from '@/lib/server/deployment-action';

/** Out of routing, drained, stopped: the endpoint answers 404 until the deployment is deployed again. */
export const POST = deploymentAction(API.stopDeployment, stop);
