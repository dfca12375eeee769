import type { IncomingMessage, ServerResponse } from 'node:http';
import { feedbackBodySchema, feedbackItems } from '@slipway/core';
import { recordFeedback, type Db } from '@slipway/db';
import { z } from 'zod';
import { type ApiKeyCache, mayCall } from '../api-keys';
import { BodyTooLargeError, readBody } from '../body';
import { apiKeyOf } from '../credentials';
import { sendError } from '../errors';
import { log } from '../log';
import type { RouteKind } from '../routes';
import type { LedgerWriter } from './ledger-writer';
import type { QualitySettingsCache } from './settings';

const FEEDBACK_PATH = /^\/models\/([a-z0-9-]+)\/feedback$/;

export interface FeedbackDeps {
  db: Db;
  keys: Pick<ApiKeyCache, 'cached' | 'authenticate'>;
  settings: Pick<QualitySettingsCache, 'get'>;
  /** This gateway's pending ledger rows are written first, so feedback for an answer it just gave joins. */
  ledger: Pick<LedgerWriter, 'flush'>;
  maxBodyBytes: number;
}

/**
 * `POST /models/<name>/feedback` with an API key that may call the deployment: `{requestId, label}`,
 * `{requestId, value}` or `{items: [...]}` (up to 10,000). Answers `{received, joined, unknown, expired}`;
 * a repeat answers the same and changes nothing.
 */
export function feedbackRoute(deps: FeedbackDeps): RouteKind<string> {
  return {
    name: 'feedback',
    match: (method, path) => (method === 'POST' ? FEEDBACK_PATH.exec(path)?.[1] : undefined),
    handle: (req, res, name) =>
      void acceptFeedback(deps, req, res, name).catch((error) => {
        if (error instanceof BodyTooLargeError) return sendError(res, 'slipway', 'payload_too_large', error.message);
        log.error({ err: error }, 'feedback not recorded');
        sendError(res, 'slipway', 'upstream_unavailable', 'the gateway could not record the feedback');
      }),
  };
}

async function acceptFeedback(deps: FeedbackDeps, req: IncomingMessage, res: ServerResponse, name: string): Promise<void> {
  const key = apiKeyOf(req);
  if (!key) return sendError(res, 'slipway', 'unauthorized', 'missing API key: send "Authorization: Bearer <key>"');
  const principal = deps.keys.cached(key) ?? (await deps.keys.authenticate(key));
  if (!principal) return sendError(res, 'slipway', 'unauthorized', 'invalid or revoked API key');
  const deployment = await deps.db.deployment.findUnique({ where: { name }, select: { id: true, teamId: true } });
  if (!deployment) return sendError(res, 'slipway', 'not_found', `no deployment named '${name}'`);
  if (!mayCall(principal, deployment.teamId)) return sendError(res, 'slipway', 'forbidden', `this API key may not send feedback to '${name}'`);
  const body = await readBody(req, deps.maxBodyBytes);
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    return sendError(res, 'slipway', 'bad_request', 'the body is not valid JSON');
  }
  const parsed = feedbackBodySchema.safeParse(json);
  if (!parsed.success) {
    return sendError(
      res,
      'slipway',
      'bad_request',
      `send {requestId, label}, {requestId, value} or {items: [...]} of at most 10000: ${z.prettifyError(parsed.error)}`,
    );
  }
  await deps.ledger.flush();
  const retention = deps.settings.get(deployment.id).ledgerRetentionDays;
  const result = await recordFeedback(deps.db, deployment.id, feedbackItems(parsed.data), Date.now(), retention);
  const payload = JSON.stringify(result);
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }).end(payload);
}
