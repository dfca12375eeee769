import { at } from '@slipway/core';

/** Data-plane paths the gateway serves, mapped onto the runtime's paths. */
export interface MatchedRoute {
  deploymentName: string;
  upstreamPath: string;
  /** Open Inference Protocol paths answer errors as `{"error": "…"}`; ours use `{"error": {code, message}}`. */
  protocol: 'slipway' | 'oip' | 'kserve-v1';
}

const PREDICT = /^\/models\/([a-z0-9-]+)\/predict$/;
const OIP_INFER = /^\/v2\/models\/([a-z0-9-]+)(\/versions\/[^/]+)?\/infer$/;
const OIP_METADATA = /^\/v2\/models\/([a-z0-9-]+)(\/versions\/[^/]+)?(\/ready)?$/;
const KSERVE_V1 = /^\/v1\/models\/([a-z0-9-]+):predict$/;

export function matchRoute(method: string, path: string): MatchedRoute | undefined {
  let m: RegExpExecArray | null;
  if (method === 'POST' && (m = PREDICT.exec(path))) return { deploymentName: at(m, 1), upstreamPath: '/predict', protocol: 'slipway' };
  if (method === 'POST' && (m = OIP_INFER.exec(path))) return { deploymentName: at(m, 1), upstreamPath: path, protocol: 'oip' };
  if (method === 'GET' && (m = OIP_METADATA.exec(path))) return { deploymentName: at(m, 1), upstreamPath: path, protocol: 'oip' };
  if (method === 'POST' && (m = KSERVE_V1.exec(path))) return { deploymentName: at(m, 1), upstreamPath: path, protocol: 'kserve-v1' };
  return undefined;
}
