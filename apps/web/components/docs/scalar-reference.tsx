'use client';

import { ApiReferenceReact } from '@scalar/api-reference-react';
import '@scalar/api-reference-react/style.css';

/**
 * Scalar's renderer (a Vue build inside React): only ever loaded in the browser, through `ApiReference`.
 * Its own "test request" is hidden: requests from the console go through the try-it, via the gateway.
 */
export default function ScalarReference({ document }: { document: Record<string, unknown> }) {
  return (
    <ApiReferenceReact
      configuration={{
        content: document,
        layout: 'classic',
        showSidebar: false,
        defaultOpenAllTags: true,
        showDeveloperTools: 'never',
        hideTestRequestButton: true,
        hideClientButton: true,
        hideDarkModeToggle: true,
        withDefaultFonts: false,
        telemetry: false,
      }}
    />
  );
}
