import type { ProtocolRoutes } from './context';
import { json } from './context';
import { nestedOutputs, parsePredictRequest } from './named-inputs';

/** `POST /predict`: Slipway's plain JSON (see `parsePredictRequest`), answered with each output nested in its shape. */
export const predictRoutes: ProtocolRoutes = async ({ method, path, readBody }, { model, inference }) => {
  if (method !== 'POST' || path !== '/predict') return undefined;
  const feeds = parsePredictRequest(model.signature, await readBody(), model.featureNames);
  const outputs = await inference.infer(feeds);
  return json(200, { model: model.name, version: model.version, outputs: nestedOutputs(outputs) });
};
