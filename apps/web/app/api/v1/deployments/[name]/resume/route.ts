import { resume } from '@slipway/controller';
import { API } from '@/lib/server/api-catalogue';
import { deploymentAction } from '@/lib/server/deployment-action';

export const POST = deploymentAction(API.resumeDeployment, resume);
