'use client';

import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { isClientError } from '@/lib/client/api';

/** Network blips and 5xx get two more tries; a 4xx would only answer the same again. */
const shouldRetry = (failureCount: number, error: Error) => failureCount < 2 && !isClientError(error);

export function Providers({ children }: { children: ReactNode }) {
  const [client] = useState(() => new QueryClient({ defaultOptions: { queries: { retry: shouldRetry, staleTime: 2_000 }, mutations: { retry: false } } }));
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}
