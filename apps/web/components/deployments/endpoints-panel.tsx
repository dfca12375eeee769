import Link from 'next/link';
import { curlExample } from '@/lib/client/example-request';
import type { Deployment } from '@/lib/client/types';
import { CopyButton } from '../copy-button';

function Endpoint({ label, url }: { label: string; url: string }) {
  return (
    <div className="field">
      <span className="label">{label}</span>
      <span className="inline-code">
        <code className="url">{url}</code>
        <CopyButton text={url} label={`Copy ${label} URL`} className="btn btn-sm btn-ghost" />
      </span>
    </div>
  );
}

export function EndpointsPanel({ deployment, exampleBody }: { deployment: Deployment; exampleBody: unknown }) {
  const curl = curlExample(deployment.endpoints.predict, exampleBody);
  return (
    <section className="card" aria-labelledby="endpoints-title">
      <div className="card-header">
        <div>
          <h2 id="endpoints-title">Endpoint</h2>
          <p>
            Call it with an <Link href="/api-keys">API key</Link> in the Authorization header.
          </p>
        </div>
      </div>
      <div className="card-body stack">
        <Endpoint label="Predict" url={deployment.endpoints.predict} />
        <Endpoint label="Open Inference Protocol" url={deployment.endpoints.infer} />
        <div className="field">
          <div className="label-row">
            <span className="label">Example</span>
            <CopyButton text={curl} label="Copy curl example" className="btn btn-sm btn-ghost" />
          </div>
          <pre className="code-block" aria-label="curl example">
            {curl}
          </pre>
        </div>
      </div>
    </section>
  );
}
