'use client';

import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { type KeyboardEvent, type ReactNode, useRef } from 'react';

export const DEPLOYMENT_TABS = [
  { id: 'overview', label: 'Overview' },
  { id: 'call', label: 'Call it' },
  { id: 'traffic', label: 'Traffic' },
  { id: 'scaling', label: 'Scaling' },
  { id: 'revisions', label: 'Revisions' },
  { id: 'events', label: 'Events' },
  { id: 'logs', label: 'Logs' },
] as const;

export type DeploymentTabId = (typeof DEPLOYMENT_TABS)[number]['id'];

/** The tab the address names (`?tab=logs`); the overview when it names none or an unknown one. */
export function useDeploymentTab(): DeploymentTabId {
  const asked = useSearchParams().get('tab');
  return DEPLOYMENT_TABS.find((t) => t.id === asked)?.id ?? 'overview';
}

/** `?tab=…` on the current address, keeping its other parameters; the overview has none. */
function tabHref(pathname: string, search: URLSearchParams, id: DeploymentTabId): string {
  const next = new URLSearchParams(search);
  if (id === 'overview') next.delete('tab');
  else next.set('tab', id);
  const query = next.toString();
  return query ? `${pathname}?${query}` : pathname;
}

/**
 * ARIA tabs whose selection lives in the address: each tab is a link (open in a new tab, share it, back and
 * forward move between tabs). Arrow keys, Home and End move between tabs and select them (automatic activation);
 * only the selected tab is in the Tab order, so Tab from it goes into its panel.
 */
export function DeploymentTabs({ selected, children }: { selected: DeploymentTabId; children: ReactNode }) {
  const pathname = usePathname();
  const search = useSearchParams();
  const router = useRouter();
  const refs = useRef(new Map<DeploymentTabId, HTMLAnchorElement>());

  const onKeyDown = (event: KeyboardEvent<HTMLAnchorElement>) => {
    const index = DEPLOYMENT_TABS.findIndex((t) => t.id === selected);
    const last = DEPLOYMENT_TABS.length - 1;
    const target = { ArrowRight: index === last ? 0 : index + 1, ArrowLeft: index === 0 ? last : index - 1, Home: 0, End: last }[event.key];
    if (target === undefined) return;
    event.preventDefault();
    const id = DEPLOYMENT_TABS[target]!.id;
    refs.current.get(id)?.focus();
    router.push(tabHref(pathname, new URLSearchParams(search), id), { scroll: false });
  };

  return (
    <>
      <div className="tabs" role="tablist" aria-label="Deployment sections">
        {DEPLOYMENT_TABS.map((tab) => (
          <Link
            key={tab.id}
            ref={(el) => {
              if (el) refs.current.set(tab.id, el);
              else refs.current.delete(tab.id);
            }}
            id={`tab-${tab.id}`}
            role="tab"
            className="tab"
            href={tabHref(pathname, new URLSearchParams(search), tab.id)}
            scroll={false}
            aria-selected={tab.id === selected}
            aria-controls={`tabpanel-${tab.id}`}
            tabIndex={tab.id === selected ? 0 : -1}
            onKeyDown={onKeyDown}
          >
            {tab.label}
          </Link>
        ))}
      </div>
      <div className="stack" role="tabpanel" id={`tabpanel-${selected}`} aria-labelledby={`tab-${selected}`}>
        {children}
      </div>
    </>
  );
}
