'use client';

import { useEffect, useState } from 'react';
import { timeAgo } from '@/lib/client/format';
import { refreshEveryMs } from '@/lib/client/relative-time';

/** "2 minutes ago", redrawn as time passes (every second at first, then less often); the exact time on hover. */
export function TimeAgo({ iso }: { iso: string }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setTimeout(() => setNow(Date.now()), refreshEveryMs(now - Date.parse(iso)));
    return () => clearTimeout(timer);
  }, [now, iso]);
  return (
    <time dateTime={iso} title={new Date(iso).toLocaleString('en')}>
      {timeAgo(iso, now)}
    </time>
  );
}
