import { promote } from '@slipway/controller';
import { API } from '@/lib/server/api-catalogue';
import { deploymentAction } from '@/lib/server/deployment-action';

/** Skips a canary's remaining steps: all traffic to the new revision. */
export const POST = deploymentAction(API.promoteDeployment, promote);
