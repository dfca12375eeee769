'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api } from '@/lib/client/api';
import { queryKeys, useUsers } from '@/lib/client/queries';
import type { AdminUser, NewUser } from '@/lib/client/types';
import { EmptyState, FormError, QueryContent } from '../states';
import { TimeAgo } from '../time-ago';

const EMPTY_USER: NewUser = { email: '', name: '', password: '', isAdmin: false };

function CreateUserForm() {
  const queryClient = useQueryClient();
  const [user, setUser] = useState<NewUser>(EMPTY_USER);
  const create = useMutation({
    mutationFn: () => api.createUser({ ...user, email: user.email.trim(), name: user.name.trim() }),
    onSuccess: () => {
      setUser(EMPTY_USER);
      return queryClient.invalidateQueries({ queryKey: queryKeys.users });
    },
  });
  const set = (patch: Partial<NewUser>) => setUser((current) => ({ ...current, ...patch }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };

  return (
    <form className="stack" onSubmit={submit} noValidate aria-label="Create user">
      <div className="form-row">
        <div className="field">
          <label htmlFor="user-email">Email</label>
          <input id="user-email" className="input" type="email" autoComplete="off" value={user.email} onChange={(e) => set({ email: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="user-name">Name</label>
          <input id="user-name" className="input" autoComplete="off" value={user.name} onChange={(e) => set({ name: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="user-password">Password</label>
          <input
            id="user-password"
            className="input"
            type="password"
            autoComplete="new-password"
            value={user.password}
            onChange={(e) => set({ password: e.target.value })}
            aria-describedby="user-password-hint"
          />
        </div>
      </div>
      <div className="row" style={{ justifyContent: 'space-between' }}>
        <label className="checkbox">
          <input type="checkbox" checked={user.isAdmin} onChange={(e) => set({ isAdmin: e.target.checked })} />
          Platform admin
        </label>
        <span id="user-password-hint" className="hint">
          8 to 72 characters (72 bytes). Share it with the user; they sign in with email and password.
        </span>
      </div>
      <FormError error={create.error} />
      {create.isSuccess && (
        <div className="alert alert-success" role="status">
          User {create.data.email} created.
        </div>
      )}
      <div>
        <button type="submit" className="btn btn-primary" disabled={create.isPending}>
          {create.isPending ? 'Creating…' : 'Create user'}
        </button>
      </div>
    </form>
  );
}

function UsersTable({ users }: { users: AdminUser[] }) {
  return (
    <div className="table-wrap">
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Email</th>
            <th scope="col">Role</th>
            <th scope="col">Created</th>
          </tr>
        </thead>
        <tbody>
          {users.map((user) => (
            <tr key={user.id}>
              <td className="cell-title">{user.name}</td>
              <td>{user.email}</td>
              <td>{user.isAdmin ? <span className="tag">Platform admin</span> : <span className="muted">User</span>}</td>
              <td className="muted">
                <TimeAgo iso={user.createdAt} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function UsersPanel() {
  const users = useUsers();
  return (
    <section className="card" aria-labelledby="users-title">
      <div className="card-header">
        <div>
          <h2 id="users-title">Users</h2>
          <p>People who can sign in to this Slipway.</p>
        </div>
      </div>
      <div className="card-body" style={{ borderBottom: '1px solid var(--border)' }}>
        <CreateUserForm />
      </div>
      <QueryContent
        query={users}
        loadingLabel="Loading users…"
        isEmpty={(list) => list.length === 0}
        empty={
          <EmptyState compact title="No users yet">
            Create the first user above.
          </EmptyState>
        }
      >
        {(list) => <UsersTable users={list} />}
      </QueryContent>
    </section>
  );
}
