import { randomBytes } from 'node:crypto';
import { ERRORS, type Lock, type Locker, type RequestRelease } from '@tus/server';
import type { Redis } from 'ioredis';

/** Deletes or extends the lock only while it is still ours (a lock that expired may have a new holder). */
const RELEASE_SCRIPT = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
const EXTEND_SCRIPT = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;

export interface RedisLockerOptions {
  /** A holder that died releases its locks when they expire; a live holder keeps extending them. */
  ttlMs?: number;
  acquireTimeoutMs?: number;
  retryMs?: number;
}

/**
 * tus's locker on Redis, so an upload can be resumed on any web process: one key per upload
 * (`<prefix>:tus-lock:<id>`), taken with SET NX and kept alive while held. A request that finds the
 * lock taken asks its holder, on whichever process, to let go (tus then ends the holder's request,
 * as it does in one process) over `<prefix>:tus-release`, and retries until the lock is free.
 */
export class RedisLocker implements Locker {
  private readonly held = new Map<string, RequestRelease>();
  private readonly ready: Promise<unknown>;
  private readonly options: Required<RedisLockerOptions>;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    options: RedisLockerOptions = {},
  ) {
    this.options = { ttlMs: 10_000, acquireTimeoutMs: 30_000, retryMs: 25, ...options };
    const subscriber = redis.duplicate();
    subscriber.on('message', (_channel: string, id: string) => void this.held.get(id)?.());
    this.ready = subscriber.subscribe(this.channel);
  }

  get channel(): string {
    return `${this.prefix}:tus-release`;
  }

  key(id: string): string {
    return `${this.prefix}:tus-lock:${id}`;
  }

  newLock(id: string): Lock {
    return new RedisLock(this, id);
  }

  /** Tries once; on success the lock is ours until released or no longer extended. */
  async tryAcquire(id: string, token: string, requestRelease: RequestRelease): Promise<boolean> {
    await this.ready;
    const taken = await this.redis.set(this.key(id), token, 'PX', this.options.ttlMs, 'NX');
    if (taken !== 'OK') return false;
    this.held.set(id, requestRelease);
    return true;
  }

  askHolderToRelease(id: string): Promise<number> {
    return this.redis.publish(this.channel, id);
  }

  extend(id: string, token: string): Promise<unknown> {
    return this.redis.eval(EXTEND_SCRIPT, 1, this.key(id), token, this.options.ttlMs);
  }

  async release(id: string, token: string): Promise<void> {
    this.held.delete(id);
    await this.redis.eval(RELEASE_SCRIPT, 1, this.key(id), token);
  }

  get settings(): Required<RedisLockerOptions> {
    return this.options;
  }
}

class RedisLock implements Lock {
  private readonly token = randomBytes(16).toString('hex');
  private keepAlive: NodeJS.Timeout | undefined;

  constructor(
    private readonly locker: RedisLocker,
    private readonly id: string,
  ) {}

  async lock(signal: AbortSignal, requestRelease: RequestRelease): Promise<void> {
    const { acquireTimeoutMs, retryMs, ttlMs } = this.locker.settings;
    const deadline = Date.now() + acquireTimeoutMs;
    let asked = false;
    while (!(await this.locker.tryAcquire(this.id, this.token, requestRelease))) {
      if (signal.aborted || Date.now() >= deadline) throw ERRORS.ERR_LOCK_TIMEOUT;
      if (!asked) await this.locker.askHolderToRelease(this.id);
      asked = true;
      await new Promise((resolve) => setTimeout(resolve, retryMs));
    }
    this.keepAlive = setInterval(() => void this.locker.extend(this.id, this.token).catch(() => undefined), ttlMs / 3);
    this.keepAlive.unref();
  }

  async unlock(): Promise<void> {
    clearInterval(this.keepAlive);
    await this.locker.release(this.id, this.token);
  }
}
