import { describe, expect, it } from 'vitest';
import { requestIdOf } from './quality/recorder';
import { callerResponseHeaders, matchServicePath, mayMirror, mayRetry, upstreamRequestHeaders } from './service-routes';

describe('service routes', () => {
  it('maps /services/<name>/… onto the service’s own path, query kept as sent', () => {
    expect(matchServicePath('/services/pi/api/v0/pi?ndigits=99&x=%20')).toEqual({
      deploymentName: 'pi',
      upstreamPath: '/api/v0/pi?ndigits=99&x=%20',
      protocol: 'slipway',
    });
    expect(matchServicePath('/services/pi')).toMatchObject({ upstreamPath: '/' });
    expect(matchServicePath('/services/pi?a=1')).toMatchObject({ upstreamPath: '/?a=1' });
    expect(matchServicePath('/models/pi/predict')).toBeUndefined();
    expect(matchServicePath('/services/Bad_Name/x')).toBeUndefined();
  });

  it('strips the caller’s API key and hop-by-hop headers, adds the request id and forwarding headers', () => {
    const headers = upstreamRequestHeaders(
      {
        authorization: 'Bearer key',
        'x-api-key': 'key',
        connection: 'keep-alive, x-hop',
        'x-hop': '1',
        'keep-alive': 'timeout=5',
        host: 'gw:8081',
        accept: 'text/event-stream',
      },
      { requestId: 'r-1', deploymentName: 'pi', clientAddress: '10.0.0.9' },
    );
    expect(headers).toEqual({
      accept: 'text/event-stream',
      'x-request-id': 'r-1',
      'x-forwarded-prefix': '/services/pi',
      'x-forwarded-host': 'gw:8081',
      'x-forwarded-proto': 'http',
      'x-forwarded-for': '10.0.0.9',
    });
    expect(callerResponseHeaders({ 'transfer-encoding': 'chunked', 'content-type': 'text/plain' }, { requestId: 'r-1', variantName: 'a' })).toEqual({
      'content-type': 'text/plain',
      'x-request-id': 'r-1',
      'x-slipway-variant': 'a',
    });
    expect(requestIdOf({ 'x-request-id': 'trace-42' })).toBe('trace-42');
    expect(requestIdOf({ 'x-request-id': 'bad id with spaces' })).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('retries only what cannot have reached the service twice, and mirrors only safe methods', () => {
    const none = { reachedReplica: false, bodyBytesSent: 0, answerStarted: false };
    expect(mayRetry({ method: 'POST', ...none })).toBe(true);
    expect(mayRetry({ method: 'POST', ...none, reachedReplica: true })).toBe(false);
    expect(mayRetry({ method: 'GET', ...none, reachedReplica: true })).toBe(true);
    expect(mayRetry({ method: 'PUT', ...none, reachedReplica: true, bodyBytesSent: 10 })).toBe(false);
    expect(mayRetry({ method: 'GET', ...none, reachedReplica: true, answerStarted: true })).toBe(false);
    expect(['GET', 'HEAD', 'OPTIONS', 'POST', 'DELETE'].map(mayMirror)).toEqual([true, true, true, false, false]);
  });
});
