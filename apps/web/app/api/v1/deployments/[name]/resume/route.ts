import { resume } from '@slipway/controller';
import { deploymentAction } from '@/lib/server/deployment-action';

export const POST = deploymentAction(resume);
