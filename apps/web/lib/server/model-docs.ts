import { breakingChanges } from '@slipway/core';
import { loadDeploymentDocs, type DeploymentDocs } from '@slipway/db';
import { serverContext } from './context';
import { findDeployment } from './deployments';
import { notFound } from './errors';
import type { SessionUser } from './auth';

/** The API docs of a deployment the user may see (viewer role); 404 before it has served an inspected version. */
export async function deploymentDocsFor(user: SessionUser, name: string): Promise<DeploymentDocs> {
  await findDeployment(user, name, 'viewer');
  const docs = await loadDeploymentDocs(serverContext().db, name);
  if (!docs) throw notFound(`API docs of deployment '${name}' (it has not served a version yet)`);
  return docs;
}

/** The console's view: each version with what breaks for callers of the version before it. */
export function serializeDocsVersions(docs: DeploymentDocs) {
  return docs.versions.map((version, i) => {
    const previous = docs.versions[i - 1];
    return {
      label: version.label,
      digest: version.digest,
      createdAt: version.createdAt.toISOString(),
      serving: version.serving,
      current: version.label === docs.current.label,
      description: version.manifest?.description ?? null,
      features: version.manifest?.features ?? null,
      signature: version.signature,
      example: version.example,
      breakingChanges: previous ? breakingChanges(previous.signature, version.signature) : [],
      previousLabel: previous?.label ?? null,
    };
  });
}
