'use client';

import { useDeployments } from '@/lib/client/queries';

export interface KeyScopeDraft {
  scope: 'invoke' | 'read-only';
  /** Deployment names; empty: every deployment of your teams. */
  deployments: string[];
  /** Days until the key expires; '' never. */
  expiresInDays: string;
}

export const NO_SCOPE: KeyScopeDraft = { scope: 'invoke', deployments: [], expiresInDays: '' };

const EXPIRIES = [
  { value: '', label: 'Never' },
  { value: '1', label: 'In 1 day' },
  { value: '7', label: 'In 7 days' },
  { value: '30', label: 'In 30 days' },
  { value: '90', label: 'In 90 days' },
  { value: '365', label: 'In a year' },
];

/** The create call's scope fields from the form's draft. */
export function keyScopeInput(draft: KeyScopeDraft, now = Date.now()) {
  const days = Number(draft.expiresInDays);
  return {
    scope: draft.scope,
    ...(draft.deployments.length > 0 && { deployments: draft.deployments }),
    ...(draft.expiresInDays !== '' && days > 0 && { expiresAt: new Date(now + days * 86_400_000).toISOString() }),
  };
}

/** What a new key may do (call or only read docs), on which deployments, and until when. */
export function KeyScopeFields({ draft, onChange }: { draft: KeyScopeDraft; onChange: (draft: KeyScopeDraft) => void }) {
  const deployments = useDeployments();
  const names = (deployments.data ?? []).map((d) => d.name);
  return (
    <>
      <div className="field">
        <label htmlFor="key-scope">Access</label>
        <select id="key-scope" className="select" value={draft.scope} onChange={(e) => onChange({ ...draft, scope: e.target.value as KeyScopeDraft['scope'] })}>
          <option value="invoke">Invoke (predictions and docs)</option>
          <option value="read-only">Read-only (docs and schema)</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor="key-deployments">Deployments</label>
        <select
          id="key-deployments"
          className="select"
          multiple
          size={Math.min(4, Math.max(2, names.length))}
          value={draft.deployments}
          aria-describedby="key-deployments-hint"
          onChange={(e) => onChange({ ...draft, deployments: [...e.target.selectedOptions].map((o) => o.value) })}
        >
          {names.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
        <span id="key-deployments-hint" className="hint">
          None selected: every deployment of your teams.
        </span>
      </div>
      <div className="field">
        <label htmlFor="key-expiry">Expires</label>
        <select id="key-expiry" className="select" value={draft.expiresInDays} onChange={(e) => onChange({ ...draft, expiresInDays: e.target.value })}>
          {EXPIRIES.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      </div>
    </>
  );
}
