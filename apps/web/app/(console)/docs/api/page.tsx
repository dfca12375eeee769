import type { Metadata } from 'next';
import { ControlPlaneDocsView } from '@/components/docs/control-plane-docs-view';

export const metadata: Metadata = { title: 'Control plane API' };

export default function ControlPlaneDocsPage() {
  return <ControlPlaneDocsView />;
}
