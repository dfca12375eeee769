import { serviceOfDetails } from '@slipway/artifacts';
import type { Db } from '@slipway/db';

/** What a service's docs page shows when it is a service (runtime: service): where to call it and its contract. */
export interface ServiceDocs {
  baseUrl: string;
  healthPath: string;
  /** Where the service serves its own OpenAPI document, through the gateway; null when it declares none. */
  openapiUrl: string | null;
  requestTimeoutSeconds: number;
  curl: string;
}

/** The docs of the service version the deployment's primary serves; null for a model deployment. */
export async function serviceDocsOf(db: Db, deploymentName: string, gatewayUrl: string): Promise<ServiceDocs | null> {
  const variant = await db.variant.findFirst({
    where: { deployment: { name: deploymentName }, retiredAt: null },
    orderBy: [{ trafficWeight: 'desc' }, { createdAt: 'asc' }],
    select: { version: { select: { details: true } } },
  });
  const service = variant ? serviceOfDetails(variant.version.details) : null;
  if (!service) return null;
  const baseUrl = `${gatewayUrl.replace(/\/$/, '')}/services/${deploymentName}`;
  return {
    baseUrl,
    healthPath: service.healthPath,
    openapiUrl: service.openapiPath ? `${baseUrl}${service.openapiPath}` : null,
    requestTimeoutSeconds: service.requestTimeoutSeconds,
    curl: `curl -H "Authorization: Bearer $SLIPWAY_API_KEY" ${baseUrl}/`,
  };
}
