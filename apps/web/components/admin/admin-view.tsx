'use client';

import { useMe } from '@/lib/client/queries';
import { PageHeader } from '../page-header';
import { EmptyState, QueryContent } from '../states';
import { MachineTypesPanel } from './machine-types-panel';
import { TeamsPanel } from './teams-panel';
import { UsersPanel } from './users-panel';

/** The admin page's sections, each linkable (/admin#teams-title) from this table of contents. */
const SECTIONS = [
  { id: 'users-title', label: 'Users' },
  { id: 'teams-title', label: 'Teams and quotas' },
  { id: 'machine-types-title', label: 'Machine catalog' },
];

function SectionNav() {
  return (
    <nav aria-label="Admin sections" className="section-nav">
      {SECTIONS.map((section) => (
        <a key={section.id} className="btn btn-sm btn-ghost" href={`#${section.id}`}>
          {section.label}
        </a>
      ))}
    </nav>
  );
}

export function AdminView() {
  const me = useMe();
  return (
    <>
      <PageHeader title="Admin" subtitle="Users, teams, storage and compute quotas, and the machine catalog." />
      <QueryContent
        query={me}
        isEmpty={(data) => !data.user.isAdmin}
        empty={
          <section className="card">
            <EmptyState title="Admins only">Ask a platform admin to create users, change team membership or quotas, or add a machine type for you.</EmptyState>
          </section>
        }
      >
        {() => (
          <>
            <SectionNav />
            <UsersPanel />
            <TeamsPanel />
            <MachineTypesPanel />
          </>
        )}
      </QueryContent>
    </>
  );
}
