import type { ProtocolRoutes } from './context';

/** `GET /metrics`: the replica's Prometheus text. */
export const metricsRoutes: ProtocolRoutes = ({ method, path }, { model, inference, state, metrics }) => {
  if (method !== 'GET' || path !== '/metrics') return undefined;
  return {
    status: 200,
    contentType: 'text/plain; version=0.0.4',
    payload: metrics.render(model.name, { queueDepth: inference.queueDepth(), inFlight: state.inFlight, driftSeconds: inference.driftSeconds() }),
  };
};
