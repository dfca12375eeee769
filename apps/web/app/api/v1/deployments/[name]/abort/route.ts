import { abort } from '@slipway/controller';
import { API } from '@/lib/server/api-catalogue';
import { deploymentAction } from '@/lib/server/deployment-action';

/** Abandons the rollout in progress: the stable revision becomes the target again. */
export const POST = deploymentAction(API.abortDeployment, abort);
