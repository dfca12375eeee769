import type { ProtocolRoutes } from './context';
import { json } from './context';

const SERVER_METADATA = { name: 'slipway-runtime', version: '0.1.0', extensions: [] as string[] };

/** OIP's server-level endpoints: liveness, readiness (503 once draining) and server metadata. */
export const healthRoutes: ProtocolRoutes = ({ method, path }, { state }) => {
  if (method !== 'GET') return undefined;
  if (path === '/v2/health/live') return json(200, { live: true });
  if (path === '/v2/health/ready') return json(state.draining ? 503 : 200, { ready: !state.draining });
  if (path === '/v2' || path === '/v2/') return json(200, SERVER_METADATA);
  return undefined;
};
