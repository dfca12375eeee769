import { serviceOfDetails } from '@slipway/artifacts';
import { openTeamSecrets } from '@slipway/controller';
import type { ReplicaSpec } from '../drivers/driver';
import type { Controller } from './context';
import { TerminalStartError } from './replicas';

/** The path a version's replicas answer readiness on: a service's health path, else the runtime's. */
export function readyPathOfVersion(details: unknown): string | undefined {
  return serviceOfDetails(details)?.healthPath;
}

/**
 * What the driver needs to start a service version's replica, with the team's secrets it names opened; undefined for
 * a model. A secret that does not exist (or no key to open it) fails the start for good: retrying cannot fix it.
 */
export async function serviceLaunchOf(
  c: Pick<Controller, 'db' | 'secretKey' | 'artifacts'>,
  version: { details: unknown; digest: string; filename: string },
  teamId: string,
  templateKey: string,
): Promise<ReplicaSpec['service']> {
  const service = serviceOfDetails(version.details);
  if (!service) return undefined;
  let secrets: Record<string, string> = {};
  if (service.secrets.length > 0) {
    if (!c.secretKey) throw new TerminalStartError(templateKey, 'the service names secrets, but the worker has no SLIPWAY_SECRET_KEY to open them');
    const opened = await openTeamSecrets(c.db, c.secretKey, teamId, service.secrets);
    if (opened.missing.length > 0) {
      throw new TerminalStartError(
        templateKey,
        `the team has no secret named ${opened.missing.join(', ')} (set it on the Secrets page or with 'slipway secrets set', then redeploy)`,
      );
    }
    secrets = opened.values;
  }
  return {
    command: service.command,
    healthPath: service.healthPath,
    startupTimeoutMs: service.startupTimeoutSeconds * 1000,
    drainMs: service.drainSeconds * 1000,
    env: service.env,
    secrets,
    localArtifactDir: () => c.artifacts.materialize(version),
  };
}
