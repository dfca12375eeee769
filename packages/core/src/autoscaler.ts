import { cronFiresAfter, lastFire } from './cron-schedule';
import type { Autoscaling } from './deployment-spec';

/**
 * The autoscaler's decision for one variant, as a pure function of its load signal, its bounds and
 * what it decided before. The worker feeds it once a tick and writes the desired replica count; the
 * controller does the rest. Ray Serve's rules: desired = ceil(load ÷ target), clamped to the bounds,
 * applied only once the same direction has held for the delay; up fast, down slowly.
 */

export interface ScaleState {
  /** Since when the signal has asked for more replicas than there are (null: it does not). */
  upSince: number | null;
  downSince: number | null;
  /** Since when nothing has been in flight (the scale-to-zero clock). */
  idleSince: number | null;
}

export const INITIAL_SCALE_STATE: ScaleState = { upSince: null, downSince: null, idleSince: null };

export interface ScaleInput {
  config: Autoscaling;
  /** Bounds in effect now: the config's, or a schedule's (see `boundsAt`). */
  bounds: { min: number; max: number };
  /** The variant's desired replica count now. */
  current: number;
  /** Replicas still starting: a scale-down waits for them. */
  starting: number;
  /** Requests in flight and queued, summed across gateways, averaged over the look-back window. */
  load: number;
  now: number;
  state: ScaleState;
  /** The most replicas the team's compute quota leaves room for (Infinity: no limit). */
  quotaMax: number;
}

export interface ScaleDecision {
  desired: number;
  state: ScaleState;
  /** Why the count changes, or why it could not (the quota); absent when nothing happens. */
  reason?: string;
  blockedByQuota?: boolean;
}

/** A scale-down needs the load to fit this share of the smaller count's capacity: no flapping at a boundary. */
const DOWNSCALE_HEADROOM = 0.9;

export function decideScale(input: ScaleInput): ScaleDecision {
  const { config, bounds, current, load, now } = input;
  const target = config.targetOngoingRequests;
  const state: ScaleState = { ...input.state };
  const describeLoad = `${formatLoad(load)} request(s) in flight, target ${target} per replica`;

  // Bounds first: a schedule (or an edited spec) that moves them applies at once.
  if (current < bounds.min)
    return { desired: Math.min(bounds.min, input.quotaMax), state: { ...INITIAL_SCALE_STATE }, reason: `below the minimum of ${bounds.min}` };
  if (current > bounds.max) return { desired: bounds.max, state: { ...INITIAL_SCALE_STATE }, reason: `above the maximum of ${bounds.max}` };

  state.idleSince = load > 0 ? null : (state.idleSince ?? now);
  const up = load > 0 ? Math.ceil(load / target) : 0;
  const down = load > 0 ? Math.ceil(load / (target * DOWNSCALE_HEADROOM)) : 0;
  const floor = bounds.min === 0 && state.idleSince !== null && now - state.idleSince >= config.scaleToZeroDelaySeconds * 1000 ? 0 : Math.max(bounds.min, 1);

  const wantedUp = Math.min(bounds.max, Math.max(floor, up));
  if (wantedUp > current) {
    state.downSince = null;
    const allowed = Math.min(wantedUp, input.quotaMax);
    if (allowed <= current) {
      return {
        desired: current,
        state,
        blockedByQuota: true,
        reason: `would scale ${current} → ${wantedUp} (${describeLoad}) but the team's compute quota leaves room for ${input.quotaMax}`,
      };
    }
    // Waking from zero never waits: a caller is being held.
    state.upSince = state.upSince ?? now;
    if (current > 0 && now - state.upSince < config.upscaleDelaySeconds * 1000) return { desired: current, state };
    return { desired: allowed, state: { ...state, upSince: null }, reason: `scaled ${current} → ${allowed}: ${describeLoad}` };
  }
  state.upSince = null;

  const wantedDown = Math.min(bounds.max, Math.max(floor, down));
  if (wantedDown < current) {
    if (input.starting > 0) return { desired: current, state: { ...state, downSince: null } };
    if (wantedDown === 0)
      return { desired: 0, state: { ...state, downSince: null }, reason: `scaled ${current} → 0: idle for ${config.scaleToZeroDelaySeconds} s` };
    state.downSince = state.downSince ?? now;
    if (now - state.downSince < config.downscaleDelaySeconds * 1000) return { desired: current, state };
    return { desired: wantedDown, state: { ...state, downSince: null }, reason: `scaled ${current} → ${wantedDown}: ${describeLoad}` };
  }
  return { desired: current, state: { ...state, downSince: null } };
}

function formatLoad(load: number): string {
  return Number.isInteger(load) ? String(load) : load.toFixed(1);
}

/** A cron expression's most recent fire at or before `now` in its time zone; null when it never fired. */
/** The bounds in effect at `now`: those of the schedule entry that fired last, else the config's. */
export function boundsAt(config: Autoscaling, now: number): { min: number; max: number; schedule?: number } {
  let latest: { at: number; index: number } | null = null;
  config.schedules.forEach((entry, index) => {
    const at = lastFire(entry.cron, entry.timeZone, now);
    if (at !== null && (!latest || at > latest.at)) latest = { at, index };
  });
  if (!latest) return { min: config.minReplicas, max: config.maxReplicas };
  const entry = config.schedules[(latest as { index: number }).index]!;
  const max = entry.maxReplicas ?? config.maxReplicas;
  return { min: Math.min(entry.minReplicas, max), max, schedule: (latest as { index: number }).index };
}

/** The most replicas a variant can reach under any of its schedules: what a quota charges. */
export function peakReplicas(config: Autoscaling): number {
  return Math.max(config.maxReplicas, ...config.schedules.map((s) => s.maxReplicas ?? config.maxReplicas));
}

/** The next `count` moments at which a schedule changes the bounds, for the console. */
export function nextTransitions(config: Autoscaling, now: number, count = 3): { at: string; minReplicas: number; maxReplicas: number }[] {
  const upcoming: { at: number; minReplicas: number; maxReplicas: number }[] = [];
  for (const entry of config.schedules) {
    for (const at of cronFiresAfter(entry.cron, entry.timeZone, now, count)) {
      upcoming.push({ at, minReplicas: entry.minReplicas, maxReplicas: entry.maxReplicas ?? config.maxReplicas });
    }
  }
  return upcoming
    .sort((a, b) => a.at - b.at)
    .slice(0, count)
    .map((t) => ({ ...t, at: new Date(t.at).toISOString() }));
}
