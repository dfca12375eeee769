import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, logFormat } from './index';

function sink(): { stream: Writable; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      callback();
    },
  });
  return { stream, lines };
}

describe('createLogger', () => {
  it('writes one JSON object per record with level, time, process and bindings when LOG_FORMAT=json', () => {
    const { stream, lines } = sink();
    const log = createLogger({ process: 'gateway', destination: stream, env: { LOG_FORMAT: 'json' }, bindings: { deploymentId: 'd1' } });
    log.child({ replicaId: 'r1' }).warn({ attempt: 2 }, 'replica refused');
    const record = JSON.parse(lines[0]!);
    expect(record).toMatchObject({ level: 40, process: 'gateway', deploymentId: 'd1', replicaId: 'r1', attempt: 2, msg: 'replica refused' });
    expect(new Date(record.time).toString()).not.toBe('Invalid Date');
  });

  it('writes a readable single line by default, with the level and the fields', () => {
    const { stream, lines } = sink();
    createLogger({ process: 'worker', destination: stream, env: {} }).info({ deployment: 'iris' }, 'replica ready');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/INFO.*replica ready/);
    expect(lines[0]).toContain('"deployment":"iris"');
    expect(() => JSON.parse(lines[0]!)).toThrow();
  });

  it('redacts passwords and authorization headers', () => {
    const { stream, lines } = sink();
    createLogger({ process: 'web', destination: stream, env: { LOG_FORMAT: 'json' } }).info(
      { password: 'hunter2', headers: { authorization: 'Bearer s' } },
      'x',
    );
    expect(lines[0]).not.toContain('hunter2');
    expect(lines[0]).not.toContain('Bearer s');
  });

  it('honours LOG_LEVEL and a fallback format for processes read by another process', () => {
    const { stream, lines } = sink();
    const log = createLogger({ process: 'runtime', destination: stream, env: { LOG_LEVEL: 'warn' }, fallbackFormat: 'json' });
    log.info('hidden');
    log.error('shown');
    expect(lines.map((l) => JSON.parse(l).msg)).toEqual(['shown']);
    expect(logFormat({ LOG_FORMAT: 'JSON' })).toBe('json');
    expect(logFormat({})).toBe('pretty');
  });
});
