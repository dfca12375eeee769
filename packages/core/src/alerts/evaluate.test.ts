import { once } from 'node:events';
import { type AddressInfo, createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { evaluateAlert, type AlertWindowSummary } from './evaluate';
import { alertRuleInputSchema, alertRulePatchSchema, applyRulePatch } from './rules';
import { deliveryFailure, slackPayload } from './webhook';

const quiet: AlertWindowSummary = { requests: 100, errors: 0, p99Ms: 20, driftingFeatures: [] };
const rule = (fields: Record<string, unknown>) => alertRuleInputSchema.parse({ windowSeconds: 60, cooldownSeconds: 300, ...fields });
const never = { firing: false, lastFiredAt: null };

describe('evaluateAlert', () => {
  it('fires an error-rate rule above its threshold, once, and resolves below it', () => {
    const r = rule({ kind: 'error_rate', threshold: 0.1 });
    const bad = { ...quiet, errors: 20 };
    const fired = evaluateAlert(r, bad, never, 0);
    expect(fired).toMatchObject({ action: 'fire', value: 0.2 });
    expect(fired.action === 'fire' && fired.message).toContain('20 of 100');
    expect(evaluateAlert(r, bad, { firing: true, lastFiredAt: 0 }, 15_000)).toEqual({ action: 'none', reason: 'still_firing' });
    expect(evaluateAlert(r, { ...quiet, errors: 10 }, { firing: true, lastFiredAt: 0 }, 30_000)).toMatchObject({ action: 'resolve', value: 0.1 });
  });

  it('stops firing once its deployment is stopped, and never fires for a stopped deployment', () => {
    const r = rule({ kind: 'no_traffic' });
    const silent = { requests: 0, errors: 0, p99Ms: null, driftingFeatures: [] };
    expect(evaluateAlert(r, silent, { firing: true, lastFiredAt: 0, deploymentStopped: true }, 60_000)).toMatchObject({
      action: 'resolve',
      message: 'the deployment was stopped',
    });
    expect(evaluateAlert(r, silent, { ...never, deploymentStopped: true }, 60_000)).toEqual({ action: 'none', reason: 'stopped' });
  });

  it('does not fire again within the cooldown after resolving, and does after it', () => {
    const r = rule({ kind: 'error_rate', threshold: 0.1 });
    const bad = { ...quiet, errors: 50 };
    const resolved = { firing: false, lastFiredAt: 0 };
    expect(evaluateAlert(r, bad, resolved, 299_999)).toEqual({ action: 'none', reason: 'cooling_down' });
    expect(evaluateAlert(r, bad, resolved, 300_000)).toMatchObject({ action: 'fire' });
  });

  it('treats a window without requests as no evidence of errors or latency, but as silence', () => {
    const empty = { requests: 0, errors: 0, p99Ms: null, driftingFeatures: [] };
    expect(evaluateAlert(rule({ kind: 'error_rate', threshold: 0.01 }), empty, never, 0)).toEqual({ action: 'none', reason: 'healthy' });
    expect(evaluateAlert(rule({ kind: 'p99_latency', threshold: 5 }), empty, never, 0)).toEqual({ action: 'none', reason: 'healthy' });
    expect(evaluateAlert(rule({ kind: 'no_traffic' }), empty, never, 0)).toMatchObject({ action: 'fire', message: 'no requests over the last 60 s' });
    expect(evaluateAlert(rule({ kind: 'no_traffic' }), quiet, { firing: true, lastFiredAt: 0 }, 1)).toMatchObject({ action: 'resolve', value: 100 });
  });

  it('fires a p99 rule only strictly above its threshold', () => {
    const r = rule({ kind: 'p99_latency', threshold: 250 });
    expect(evaluateAlert(r, { ...quiet, p99Ms: 250 }, never, 0)).toEqual({ action: 'none', reason: 'healthy' });
    expect(evaluateAlert(r, { ...quiet, p99Ms: 251.5 }, never, 0)).toMatchObject({ action: 'fire', value: 251.5 });
  });

  it('fires a drift rule naming the drifting features', () => {
    const decision = evaluateAlert(rule({ kind: 'drift' }), { ...quiet, driftingFeatures: ['age', 'income'] }, never, 0);
    expect(decision).toMatchObject({ action: 'fire', value: 2, message: 'drifting: age, income' });
  });

  it('fires a drift rule on one feature only when that feature drifts, in any variant', () => {
    const income = rule({ kind: 'drift', feature: 'income' });
    const drifting = (...names: string[]) => ({ ...quiet, driftingFeatures: names });
    expect(evaluateAlert(income, drifting('primary/age'), never, 0)).toEqual({ action: 'none', reason: 'healthy' });
    expect(evaluateAlert(income, drifting('primary/age', 'b/income'), never, 0)).toMatchObject({ action: 'fire', value: 1, message: 'drifting: b/income' });
    expect(evaluateAlert(income, drifting('primary/age'), { firing: true, lastFiredAt: 0 }, 1)).toMatchObject({
      action: 'resolve',
      message: 'income no longer drifting',
    });
  });

  it('resolves a firing rule that was disabled, and never fires a disabled one', () => {
    const r = rule({ kind: 'no_traffic', enabled: false });
    const empty = { ...quiet, requests: 0 };
    expect(evaluateAlert(r, empty, never, 0)).toEqual({ action: 'none', reason: 'disabled' });
    expect(evaluateAlert(r, empty, { firing: true, lastFiredAt: 0 }, 0)).toMatchObject({ action: 'resolve', message: 'rule disabled' });
  });
});

describe('alert rules', () => {
  it('requires a threshold that fits the kind', () => {
    expect(alertRuleInputSchema.safeParse({ kind: 'error_rate' }).success).toBe(false);
    expect(alertRuleInputSchema.safeParse({ kind: 'error_rate', threshold: 5 }).success).toBe(false);
    expect(alertRuleInputSchema.safeParse({ kind: 'no_traffic', threshold: 5 }).success).toBe(false);
    expect(alertRuleInputSchema.parse({ kind: 'p99_latency', threshold: 300 })).toEqual({
      kind: 'p99_latency',
      threshold: 300,
      feature: null,
      windowSeconds: 300,
      cooldownSeconds: 900,
      enabled: true,
      webhookUrl: null,
    });
    expect(alertRuleInputSchema.safeParse({ kind: 'drift', webhookUrl: 'file:///etc/passwd' }).success).toBe(false);
  });

  it('lets only drift rules name a feature, and refuses unknown fields and out-of-range windows', () => {
    expect(alertRuleInputSchema.parse({ kind: 'drift', feature: ' age ' })).toMatchObject({ feature: 'age' });
    const problems = (input: unknown) => alertRuleInputSchema.safeParse(input).error?.issues.map((i) => [i.path.join('.'), i.message]);
    expect(problems({ kind: 'no_traffic', feature: 'age' })).toEqual([['feature', 'only drift rules watch a feature, not no_traffic']]);
    expect(problems({ kind: 'drift', treshold: 5 })?.[0]?.[0]).toBe('');
    expect(problems({ kind: 'drift', windowSeconds: 14 })?.[0]?.[0]).toBe('windowSeconds');
    expect(problems({ kind: 'drift', cooldownSeconds: 86_401 })?.[0]?.[0]).toBe('cooldownSeconds');
  });

  it('applies an edit to a rule and checks the result as a whole', () => {
    const errorRate = rule({ kind: 'error_rate', threshold: 0.1 });
    expect(applyRulePatch(errorRate, alertRulePatchSchema.parse({ enabled: false }))).toEqual({ ok: true, rule: { ...errorRate, enabled: false } });
    // A new kind drops the old kind's threshold; p99 then needs its own.
    expect(applyRulePatch(errorRate, { kind: 'p99_latency' })).toEqual({
      ok: false,
      problems: [{ path: 'threshold', message: 'a p99_latency rule needs a threshold' }],
    });
    expect(applyRulePatch(errorRate, { kind: 'drift' })).toMatchObject({ ok: true, rule: { kind: 'drift', threshold: null, feature: null } });
    expect(applyRulePatch(errorRate, { threshold: 2 })).toMatchObject({ ok: false });
    expect(alertRulePatchSchema.safeParse({}).success).toBe(false);
    expect(alertRulePatchSchema.safeParse({ windowSeconds: 10 }).success).toBe(false);
  });
});

describe('slackPayload', () => {
  it('puts a readable line in text and the event in structured fields', () => {
    const alert = {
      deployment: 'fraud',
      ruleId: 'r1',
      kind: 'error_rate',
      state: 'fired' as const,
      value: 0.2,
      threshold: 0.1,
      message: 'error rate 20.0%',
      at: '2026-12-06T10:00:00.000Z',
    };
    expect(slackPayload(alert)).toEqual({ text: ':rotating_light: [fraud] error_rate alert fired: error rate 20.0%', alert });
  });

  it('fires an accuracy rule below its level once enough answers are labelled, and resolves when accuracy recovers', () => {
    const r = rule({ kind: 'accuracy', threshold: 0.9 });
    expect(evaluateAlert(r, { ...quiet, labelled: 29, correct: 0 }, never, 0)).toEqual({ action: 'none', reason: 'healthy' });
    expect(evaluateAlert(r, { ...quiet, labelled: 100, correct: 80 }, never, 0)).toEqual({
      action: 'fire',
      value: 0.8,
      message: 'accuracy 80.0% (80 of 100 labels) on answers over the last 60 s is below 90.0%',
    });
    expect(evaluateAlert(r, { ...quiet, labelled: 100, correct: 95 }, { firing: true, lastFiredAt: 0 }, 1)).toMatchObject({ action: 'resolve', value: 0.95 });
    expect(alertRuleInputSchema.safeParse({ kind: 'accuracy', threshold: 1.5 }).success).toBe(false);
  });
});

describe('deliveryFailure', () => {
  const url = 'https://hooks.example.test/services/T000';
  it('says why a webhook post failed instead of "fetch failed"', () => {
    const failed = (cause: object) => Object.assign(new TypeError('fetch failed'), { cause });
    expect(deliveryFailure(url, { status: 404, statusText: 'Not Found' }, 10_000)).toBe('the webhook answered HTTP 404 Not Found');
    expect(deliveryFailure(url, failed({ code: 'ENOTFOUND', hostname: 'hooks.example.test' }), 10_000)).toBe(
      'DNS: the host name hooks.example.test does not resolve',
    );
    expect(deliveryFailure(url, failed({ code: 'ECONNREFUSED' }), 10_000)).toBe('connection refused by hooks.example.test: nothing listens there');
    expect(deliveryFailure(url, Object.assign(new Error('aborted'), { name: 'TimeoutError' }), 10_000)).toBe(
      'timeout: hooks.example.test did not answer within 10 s',
    );
    expect(deliveryFailure(url, failed({ code: 'EPROTO', message: 'wrong version number' }), 10_000)).toBe(
      'could not reach hooks.example.test: EPROTO wrong version number',
    );
  });

  it('reads a real failed fetch: a port nothing listens on any more is refused', async () => {
    const server = createServer().listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const url = `http://127.0.0.1:${port}/hook`;
    const error = await fetch(url, { method: 'POST' }).catch((e: unknown) => e);
    expect(deliveryFailure(url, error as Error, 10_000)).toBe(`connection refused by 127.0.0.1:${port}: nothing listens there`);
  });
});
