'use client';

import { useMutation } from '@tanstack/react-query';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import type { ReactNode } from 'react';
import { api, leaveTo } from '@/lib/client/api';
import { useMe } from '@/lib/client/queries';

const NAV = [
  { href: '/', label: 'Overview' },
  { href: '/models', label: 'Models' },
  { href: '/deployments', label: 'Deployments' },
  { href: '/api-keys', label: 'API keys' },
  { href: '/secrets', label: 'Secrets' },
  { href: '/docs', label: 'Docs' },
];
const ADMIN_NAV = [
  { href: '/admin', label: 'Admin' },
  { href: '/admin/audit', label: 'Audit log' },
];

/** The item the page belongs to: the longest href the path starts with ('/' only for the home page itself). */
function currentHref(pathname: string, hrefs: string[]): string | undefined {
  const matches = hrefs.filter((h) => (h === '/' ? pathname === '/' : pathname === h || pathname.startsWith(`${h}/`)));
  return matches.sort((a, b) => b.length - a.length)[0];
}

function MainNav({ isAdmin }: { isAdmin: boolean }) {
  const pathname = usePathname();
  const items = isAdmin ? [...NAV, ...ADMIN_NAV] : NAV;
  const current = currentHref(
    pathname,
    items.map((i) => i.href),
  );
  return (
    <nav className="nav" aria-label="Main">
      {items.map((item) => (
        <Link key={item.href} href={item.href} aria-current={item.href === current ? 'page' : undefined}>
          {item.label}
        </Link>
      ))}
    </nav>
  );
}

function Account() {
  const me = useMe();
  // A full page load leaves no cached data of this user behind.
  const logout = useMutation({ mutationFn: api.logout, onSettled: () => leaveTo('/login') });

  if (me.isPending) {
    return (
      <div className="account" aria-busy="true">
        <div className="skeleton" style={{ width: '70%' }} />
        <div className="skeleton" style={{ width: '90%' }} />
      </div>
    );
  }
  if (me.isError) {
    return (
      <div className="account" role="alert">
        <span className="account-email">{me.error.message}</span>
      </div>
    );
  }
  return (
    <div className="account">
      <div>
        <div className="account-name">{me.data.user.name}</div>
        <div className="account-email">{me.data.user.email}</div>
      </div>
      <button type="button" className="btn btn-sm" onClick={() => logout.mutate()} disabled={logout.isPending}>
        Log out
      </button>
    </div>
  );
}

/** Sidebar navigation and account; pages render into <main> while the user loads, so both fetch at once. */
export function AppShell({ children }: { children: ReactNode }) {
  const me = useMe();
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <aside className="sidebar">
        <div className="sidebar-inner">
          <Link className="brand" href="/models">
            <span className="brand-mark" aria-hidden="true">
              S
            </span>
            Slipway
          </Link>
          <MainNav isAdmin={me.data?.user.isAdmin ?? false} />
          <Account />
        </div>
      </aside>
      <main id="main" className="main">
        <div className="content">{children}</div>
      </main>
    </div>
  );
}
