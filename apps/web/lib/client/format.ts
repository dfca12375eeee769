import type { MachineType } from './types';

/** Sizes as the whole platform shows them (core's formatBytes). */
export { formatBytes } from '@slipway/core';

export const formatRate = (bytesPerSecond: number) => `${(bytesPerSecond / 1024 ** 2).toFixed(1)} MB/s`;

export const shortDigest = (digest: string) => `sha256:${digest.slice(0, 12)}`;

export const formatShape = (shape: (number | null)[]) => `[${shape.map((d) => d ?? '?').join(', ')}]`;

function formatMemory(memoryMb: number): string {
  return memoryMb >= 1024 ? `${+(memoryMb / 1024).toFixed(1)} GB` : `${memoryMb} MB`;
}

export const formatCost = (perHour: number) => `$${perHour.toFixed(perHour < 1 ? 3 : 2)}/h`;

/** "cpu-small — 2 vCPU · 4 GB · $0.100/h", with GPUs when the machine has any. */
export function describeMachine(m: MachineType): string {
  const gpu = m.gpuCount > 0 ? ` · ${m.gpuCount}× ${m.gpuType ?? 'GPU'}` : '';
  return `${m.name} — ${m.vcpu} vCPU · ${formatMemory(m.memoryMb)}${gpu} · ${formatCost(m.hourlyCost)}`;
}

export const formatMs = (ms: number) => (ms < 10 ? `${ms.toFixed(2)} ms` : `${Math.round(ms)} ms`);

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
const STEPS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['second', 60],
  ['minute', 60],
  ['hour', 24],
  ['day', 30],
  ['month', 12],
  ['year', Infinity],
];

/** "3 minutes ago" */
export function timeAgo(iso: string, now = Date.now()): string {
  let value = (new Date(iso).getTime() - now) / 1000;
  for (const [unit, size] of STEPS) {
    if (Math.abs(value) < size) return relative.format(Math.round(value), unit);
    value /= size;
  }
  return relative.format(Math.round(value), 'year');
}

export const formatTime = (iso: string) => new Date(iso).toLocaleTimeString('en', { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });

/** 75 → "1 min 15 s"; 7260 → "2 h 1 min" (bake times, time left in a step). */
export function formatDuration(totalSeconds: number): string {
  const seconds = Math.max(0, Math.round(totalSeconds));
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) {
    const rest = seconds % 60;
    return `${Math.floor(seconds / 60)} min${rest ? ` ${rest} s` : ''}`;
  }
  const minutes = Math.floor((seconds % 3600) / 60);
  return `${Math.floor(seconds / 3600)} h${minutes ? ` ${minutes} min` : ''}`;
}

/** A 0..1 rate → "1.25%"; "—" when there is nothing to rate. */
export function formatPercent(rate: number | null | undefined, digits = 2): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return '—';
  const fixed = (rate * 100).toFixed(digits);
  return `${digits > 0 ? fixed.replace(/\.?0+$/, '') : fixed}%`;
}

export const formatPValue = (p: number) => (p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(3)}`);

/** Milliseconds or "—" for a percentile with no samples. */
export const formatLatency = (ms: number | null | undefined) => (ms === null || ms === undefined ? '—' : formatMs(ms));
