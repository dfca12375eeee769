import type { Metadata } from 'next';
import { DocsIndexView } from '@/components/docs/docs-index-view';

export const metadata: Metadata = { title: 'Docs' };

export default function DocsPage() {
  return <DocsIndexView />;
}
