import {
  exampleFor,
  modelDocsManifestSchema,
  modelOpenApi,
  modelSignatureSchema,
  type ModelDocsManifest,
  type ModelExample,
  type ModelSignature,
  type OpenApiDocument,
} from '@slipway/core';
import type { Db } from './client';

/** A version a deployment serves or served, as its API docs need it. */
export interface DocumentedVersion {
  label: number;
  digest: string;
  createdAt: Date;
  signature: ModelSignature;
  manifest: ModelDocsManifest | null;
  example: ModelExample;
  /** Some variant routes to it now (primary, candidate or shadow). */
  serving: boolean;
}

export interface DeploymentDocs {
  deployment: { id: string; name: string; teamId: string };
  modelName: string;
  /** Oldest first. */
  versions: DocumentedVersion[];
  /** The version the primary variant serves (or the newest one when nothing serves). */
  current: DocumentedVersion;
}

/** Every version a deployment's variants ever ran, with the one its primary serves now; null when there is none. */
export async function loadDeploymentDocs(db: Db, name: string): Promise<DeploymentDocs | null> {
  const deployment = await db.deployment.findUnique({
    where: { name },
    select: {
      id: true,
      name: true,
      teamId: true,
      model: { select: { name: true } },
      variants: { select: { role: true, retiredAt: true, trafficWeight: true, version: true } },
    },
  });
  if (!deployment) return null;
  const versions = new Map<number, DocumentedVersion>();
  for (const { version, retiredAt } of deployment.variants) {
    const signature = modelSignatureSchema.safeParse(version.signature);
    if (!signature.success) continue;
    const manifest = modelDocsManifestSchema.safeParse(version.manifest ?? undefined);
    const known = versions.get(version.label);
    versions.set(version.label, {
      label: version.label,
      digest: version.digest,
      createdAt: version.createdAt,
      signature: signature.data,
      manifest: manifest.success ? manifest.data : null,
      example: exampleFor(signature.data, version.example, manifest.success ? manifest.data.features : undefined),
      serving: (known?.serving ?? false) || retiredAt === null,
    });
  }
  const sorted = [...versions.values()].sort((a, b) => a.label - b.label);
  if (sorted.length === 0) return null;
  const primary = deployment.variants.filter((v) => v.retiredAt === null && v.role === 'primary').sort((a, b) => b.trafficWeight - a.trafficWeight)[0];
  const current = (primary && versions.get(primary.version.label)) ?? sorted.at(-1)!;
  return {
    deployment: { id: deployment.id, name: deployment.name, teamId: deployment.teamId },
    modelName: deployment.model.name,
    versions: sorted,
    current,
  };
}

/** The OpenAPI document of one version of the deployment (its current one by default); null for a version it never ran. */
export function deploymentOpenApi(docs: DeploymentDocs, gatewayUrl: string, label?: number): OpenApiDocument | null {
  const version = label === undefined ? docs.current : docs.versions.find((v) => v.label === label);
  if (!version) return null;
  return modelOpenApi({ deploymentName: docs.deployment.name, modelName: docs.modelName, gatewayUrl, version });
}
