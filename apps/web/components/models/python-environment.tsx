import type { VersionDetails } from '@/lib/client/types';

/** A Python version's environment: which Python, built for it or reused from an earlier version, and the build's log. */
export function PythonEnvironment({ details }: { details: VersionDetails }) {
  const environment = details.environment;
  const predictor = details.python?.mlflowFlavor ? `MLflow ${details.python.mlflowFlavor} model (built-in predictor)` : details.python?.predictor;
  if (!environment) {
    return <p className="muted">Predictor {predictor}: its environment is built when Slipway inspects the version.</p>;
  }
  const how = environment.failed
    ? 'The environment could not be built (pip’s output below).'
    : environment.reused
      ? `Reused the environment an earlier version built (${environment.key?.slice(0, 12)}): nothing was installed again.`
      : `Built for this version (${environment.key?.slice(0, 12)}); later versions with the same requirements and wheels reuse it.`;
  return (
    <div className="stack">
      <p>
        Predictor {predictor}
        {environment.pythonVersion && `, Python ${environment.pythonVersion}`}. {how}
      </p>
      <details open={environment.failed}>
        <summary>Build log</summary>
        <pre className="code-block" aria-label="Environment build log">
          {environment.log}
        </pre>
      </details>
    </div>
  );
}
