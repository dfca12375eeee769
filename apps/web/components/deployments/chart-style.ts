import { formatTime } from '@/lib/client/format';

// The look every console chart shares (Recharts props, spread onto its elements): a faint horizontal grid, muted axes,
// and for time series a time axis over `at` (epoch milliseconds), so unevenly spaced points sit where they happened.

/** Epoch milliseconds as the console shows a time of day. */
export const clock = (ms: number) => formatTime(new Date(ms).toISOString());

export const GRID = { stroke: 'rgba(113, 113, 122, 0.2)', strokeDasharray: '3 3', vertical: false };

export const AXIS = { tick: { fontSize: 12 }, stroke: 'rgba(113, 113, 122, 0.6)' };

export const TIME_AXIS = {
  ...AXIS,
  dataKey: 'at',
  type: 'number' as const,
  scale: 'time' as const,
  domain: ['dataMin', 'dataMax'],
  tickFormatter: clock,
  minTickGap: 40,
};
