'use client';

import { useMe } from '@/lib/client/queries';
import { PageHeader } from '../page-header';
import { EmptyState, QueryContent } from '../states';
import { TeamsPanel } from './teams-panel';
import { UsersPanel } from './users-panel';

export function AdminView() {
  const me = useMe();
  return (
    <>
      <PageHeader title="Admin" subtitle="Users, teams and who may do what." />
      <QueryContent
        query={me}
        isEmpty={(data) => !data.user.isAdmin}
        empty={
          <section className="card">
            <EmptyState title="Admins only">Ask a platform admin to create users or change team membership for you.</EmptyState>
          </section>
        }
      >
        {() => (
          <>
            <UsersPanel />
            <TeamsPanel />
          </>
        )}
      </QueryContent>
    </>
  );
}
