'use client';

import dynamic from 'next/dynamic';
import { LoadingState } from '../states';

/** The OpenAPI renderer, client-side only: it is documented as untested under server rendering. */
export const ApiReference = dynamic(() => import('./scalar-reference'), {
  ssr: false,
  loading: () => <LoadingState label="Loading the API reference…" />,
});
