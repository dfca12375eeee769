import type { ApiKey } from '@/lib/client/types';

/** "Invoke · all deployments · expires 12/31/2026", with an expired key said plainly. */
export function KeyScopeCell({ apiKey }: { apiKey: ApiKey }) {
  const where = apiKey.deployments.length > 0 ? apiKey.deployments.join(', ') : 'all deployments';
  return (
    <span>
      {apiKey.scope === 'read-only' ? 'Read-only' : 'Invoke'} · <span className="mono">{where}</span>
      {apiKey.expired ? (
        <span className="badge" data-tone="red" style={{ marginLeft: 6 }}>
          Expired
        </span>
      ) : (
        apiKey.expiresAt && <span className="muted"> · expires {new Date(apiKey.expiresAt).toLocaleDateString('en')}</span>
      )}
    </span>
  );
}
