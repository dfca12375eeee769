'use client';

import Link from 'next/link';
import { useControlPlaneOpenApi } from '@/lib/client/docs';
import { PageHeader } from '../page-header';
import { QueryContent } from '../states';
import { ApiReference } from './api-reference';

/** The control plane's own API, rendered from the OpenAPI document generated from its routes' schemas. */
export function ControlPlaneDocsView() {
  const openapi = useControlPlaneOpenApi();
  return (
    <>
      <PageHeader
        title="Control plane API"
        breadcrumb={<Link href="/docs">Docs</Link>}
        subtitle={
          <>
            Everything the console does, for scripts: a session cookie or <code>Authorization: Bearer $SLIPWAY_KEY</code>.{' '}
            <a href="/api/v1/openapi.json">Download openapi.json</a>
          </>
        }
      />
      <section className="card" aria-label="API reference">
        <QueryContent query={openapi} loadingLabel="Loading the OpenAPI document…">
          {(document) => <ApiReference document={document} />}
        </QueryContent>
      </section>
    </>
  );
}
