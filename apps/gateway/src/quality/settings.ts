import { DEFAULT_QUALITY_SETTINGS, type QualitySettings } from '@slipway/core';
import type { Db } from '@slipway/db';
import { log } from '../log';

export type GatewayQualitySettings = QualitySettings & { redact: ReadonlySet<string> };

const DEFAULTS: GatewayQualitySettings = { ...DEFAULT_QUALITY_SETTINGS, redact: new Set() };

/**
 * Every deployment's capture and ledger settings, kept in memory and reloaded on a timer (one small query;
 * the console's change takes effect within `refreshMs`). A deployment without a row uses the defaults: no
 * capture, the ledger on.
 */
export class QualitySettingsCache {
  private byDeployment = new Map<string, GatewayQualitySettings>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly db: Db) {}

  get(deploymentId: string): GatewayQualitySettings {
    return this.byDeployment.get(deploymentId) ?? DEFAULTS;
  }

  async load(): Promise<void> {
    const rows = await this.db.qualitySettings.findMany();
    this.byDeployment = new Map(rows.map((r) => [r.deploymentId, { ...r, redact: new Set(r.redactFields) }]));
  }

  async start(refreshMs: number): Promise<void> {
    await this.load();
    this.timer = setInterval(() => this.load().catch((err) => log.warn({ err }, 'quality settings not reloaded')), refreshMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
