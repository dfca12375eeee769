import type { Badge } from '@/lib/client/deployment-truth';
import type { DeploymentStatus, ReplicaState, VersionStatus } from '@/lib/client/types';

type Status = VersionStatus | DeploymentStatus | ReplicaState;
type Tone = 'gray' | 'blue' | 'green' | 'amber' | 'red';

/** `live` statuses are on their way somewhere else: the dot pulses while the page polls. */
const LOOK: Record<Status, { tone: Tone; text: string; live?: boolean }> = {
  uploaded: { tone: 'gray', text: 'Uploaded', live: true },
  validating: { tone: 'blue', text: 'Validating', live: true },
  ready: { tone: 'green', text: 'Ready' },
  failed: { tone: 'red', text: 'Failed' },
  pending: { tone: 'gray', text: 'Pending', live: true },
  deploying: { tone: 'blue', text: 'Deploying', live: true },
  stopping: { tone: 'amber', text: 'Stopping', live: true },
  stopped: { tone: 'gray', text: 'Stopped' },
  starting: { tone: 'blue', text: 'Starting', live: true },
};

/**
 * With a `label` the badge is a live region (role="status"), so screen readers hear a
 * status change and tests can find it by name.
 */
export function StatusBadge({ status, label, look: decided }: { status: Status; label?: string; look?: Badge }) {
  const look = decided ?? LOOK[status];
  return (
    <span className="badge" data-tone={look.tone} data-live={look.live ? 'true' : undefined} role={label ? 'status' : undefined} aria-label={label}>
      {look.text}
    </span>
  );
}
