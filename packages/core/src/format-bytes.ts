const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

/**
 * A size as people read it, in powers of 1024 the way file managers show sizes: 512 → "512 B",
 * 1536 → "1.5 KB", 1048576 → "1.0 MB", 126 MiB → "126 MB" (one decimal under 10, whole numbers above).
 */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 1 : 0)} ${UNITS[unit]}`;
}
