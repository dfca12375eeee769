import type { ReactNode } from 'react';

export function PageHeader({ title, subtitle, breadcrumb, actions }: { title: ReactNode; subtitle?: ReactNode; breadcrumb?: ReactNode; actions?: ReactNode }) {
  return (
    <header className="page-header">
      <div>
        {breadcrumb && (
          <nav className="breadcrumb" aria-label="Breadcrumb">
            {breadcrumb}
          </nav>
        )}
        <h1>{title}</h1>
        {subtitle && <p className="subtitle">{subtitle}</p>}
      </div>
      {actions && <div className="actions">{actions}</div>}
    </header>
  );
}
