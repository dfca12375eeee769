import { publishRoutingTable } from '@slipway/controller';
import type { Controller } from './context';

/**
 * The routing table as one reconcile pass changes it. Phases mark it dirty when they change what the table is
 * built from (weights and mirrors, replicas ready or taken out, a deployment's status); the pass publishes once,
 * at its end, or earlier where a step must wait until gateways route by the new table (before replicas stop).
 */
export class RoutingUpdate {
  private dirty = false;
  private publishes = 0;

  constructor(private readonly publish: () => Promise<unknown>) {}

  /** Publishes through the controller's database and Redis (the whole table: see the routing-table contract). */
  static of(c: Pick<Controller, 'db' | 'redis' | 'prefix'>): RoutingUpdate {
    return new RoutingUpdate(() => publishRoutingTable(c.db, c.redis, c.prefix));
  }

  markDirty(): void {
    this.dirty = true;
  }

  get isDirty(): boolean {
    return this.dirty;
  }

  /** How many times this pass published: at most once, plus once before stopping replicas. */
  get published(): number {
    return this.publishes;
  }

  /** Publishes if anything changed since the last publish. A change marked while publishing is published by the next flush. */
  async flush(): Promise<void> {
    if (!this.dirty) return;
    this.dirty = false;
    try {
      this.publishes++;
      await this.publish();
    } catch (error) {
      this.dirty = true;
      throw error;
    }
  }

  /** Runs one pass and publishes what it changed, also when it failed part-way (its changes are in the database). */
  async around<T>(pass: () => Promise<T>): Promise<T> {
    let result: T;
    try {
      result = await pass();
    } catch (error) {
      await this.flush().catch(() => undefined);
      throw error;
    }
    await this.flush();
    return result;
  }

  /**
   * Before replicas stop: publishes even when this pass changed nothing, so a publish an earlier pass lost (the
   * worker died, Redis blinked) can never leave a stopped replica in the gateways' table.
   */
  async beforeStopping(): Promise<void> {
    this.dirty = true;
    await this.flush();
  }
}
