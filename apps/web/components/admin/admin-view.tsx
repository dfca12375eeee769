'use client';

import { useMe } from '@/lib/client/queries';
import { PageHeader } from '../page-header';
import { EmptyState, QueryContent } from '../states';
import { MachineTypesPanel } from './machine-types-panel';
import { TeamsPanel } from './teams-panel';
import { UsersPanel } from './users-panel';

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
            <UsersPanel />
            <TeamsPanel />
            <MachineTypesPanel />
          </>
        )}
      </QueryContent>
    </>
  );
}
