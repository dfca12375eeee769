import type { ModelSignature } from '@slipway/core';
import type { Answer, ReplicaRequest } from '../exchange';
import type { Inference } from '../inference';
import type { RuntimeMetrics } from '../metrics';
import type { ServingState } from '../serving-state';

/** The model this replica serves, as protocols describe it: names from the launch config, the rest from the runner. */
export interface ServedModel {
  name: string;
  version: string;
  signature: ModelSignature;
  /** The runner's platform (OIP model metadata). */
  platform: string;
  /** The first input's column names, from the manifest, for `{"features": …}` requests. */
  featureNames?: readonly string[] | undefined;
}

/** What every protocol's routes may use. */
export interface ProtocolContext {
  model: ServedModel;
  inference: Inference;
  state: ServingState;
  metrics: RuntimeMetrics;
}

/** A protocol's routes: its answer to a request, or undefined when the request is not one of its own. */
export type ProtocolRoutes = (request: ReplicaRequest, context: ProtocolContext) => Promise<Answer | undefined> | Answer | undefined;

export function json(status: number, body: unknown): Answer {
  return { status, contentType: 'application/json', payload: JSON.stringify(body) };
}
