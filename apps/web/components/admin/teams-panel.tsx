'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api } from '@/lib/client/api';
import { queryKeys } from '@/lib/client/queries';
import { useAdminTeams, type AdminTeam } from '@/lib/client/quota';
import type { Team, TeamRole } from '@/lib/client/types';
import { EmptyState, FormError, QueryContent } from '../states';
import { TeamCompute } from './team-compute';
import { TeamStorage } from './team-storage';

const ROLES: { value: TeamRole; label: string }[] = [
  { value: 'viewer', label: 'Viewer — can see models and deployments' },
  { value: 'member', label: 'Member — can upload and deploy' },
  { value: 'admin', label: 'Admin — manages the team' },
];

function CreateTeamForm() {
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const create = useMutation({
    mutationFn: () => api.createTeam(name.trim()),
    onSuccess: () => {
      setName('');
      return queryClient.invalidateQueries({ queryKey: queryKeys.teams });
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };

  return (
    <div className="stack">
      <form className="form-row" onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor="team-name">New team name</label>
          <input id="team-name" className="input" autoComplete="off" value={name} onChange={(e) => setName(e.target.value)} />
        </div>
        <button type="submit" className="btn btn-primary" disabled={create.isPending}>
          {create.isPending ? 'Creating…' : 'Create team'}
        </button>
      </form>
      <FormError error={create.error} />
    </div>
  );
}

/** Adds a user to the team, or changes their role if they are a member already. */
function AddMemberForm({ team }: { team: Team }) {
  const queryClient = useQueryClient();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<TeamRole>('member');
  const add = useMutation({
    mutationFn: () => api.addTeamMember(team.id, email.trim(), role),
    onSuccess: () => {
      setEmail('');
      return queryClient.invalidateQueries({ queryKey: queryKeys.teams });
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    add.mutate();
  };

  return (
    <form className="stack" onSubmit={submit} noValidate aria-label={`Add a member to ${team.name}`}>
      <div className="form-row">
        <div className="field">
          <label htmlFor={`member-email-${team.id}`}>Member email</label>
          <input id={`member-email-${team.id}`} className="input" type="email" autoComplete="off" value={email} onChange={(e) => setEmail(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`member-role-${team.id}`}>Role</label>
          <select id={`member-role-${team.id}`} className="select" value={role} onChange={(e) => setRole(e.target.value as TeamRole)}>
            {ROLES.map((r) => (
              <option key={r.value} value={r.value}>
                {r.label}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="btn" disabled={add.isPending}>
          {add.isPending ? 'Adding…' : 'Add member'}
        </button>
      </div>
      <FormError error={add.error} />
    </form>
  );
}

function TeamCard({ team }: { team: AdminTeam }) {
  return (
    <section className="card" aria-labelledby={`team-${team.id}`}>
      <div className="card-header">
        <h3 id={`team-${team.id}`}>{team.name}</h3>
        <span className="muted">
          {team.members.length} {team.members.length === 1 ? 'member' : 'members'}
        </span>
      </div>
      <div className="card-body" style={{ borderBottom: '1px solid var(--border)' }}>
        <TeamStorage team={team} />
      </div>
      <div className="card-body" style={{ borderBottom: '1px solid var(--border)' }}>
        <TeamCompute team={team} />
      </div>
      {team.members.length > 0 && (
        <div className="table-wrap">
          <table className="table table-compact">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
              </tr>
            </thead>
            <tbody>
              {team.members.map((member) => (
                <tr key={member.user.id}>
                  <td className="cell-title">{member.user.name}</td>
                  <td>{member.user.email}</td>
                  <td>
                    <span className="tag">{member.role}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div className="card-body" style={{ borderTop: team.members.length > 0 ? '1px solid var(--border)' : undefined }}>
        <AddMemberForm team={team} />
      </div>
    </section>
  );
}

export function TeamsPanel() {
  const teams = useAdminTeams();
  return (
    <section className="stack" aria-labelledby="teams-title">
      <div className="card">
        <div className="card-header">
          <div>
            <h2 id="teams-title">Teams</h2>
            <p>Models and deployments belong to a team; roles decide who may change them, quotas how much it may store and run.</p>
          </div>
        </div>
        <div className="card-body">
          <CreateTeamForm />
        </div>
      </div>
      <QueryContent
        query={teams}
        loadingLabel="Loading teams…"
        isEmpty={(list) => list.length === 0}
        empty={
          <EmptyState compact title="No teams yet">
            Create a team above, then add people to it.
          </EmptyState>
        }
      >
        {(list) => list.map((team) => <TeamCard key={team.id} team={team} />)}
      </QueryContent>
    </section>
  );
}
