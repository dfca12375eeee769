import type { Metadata } from 'next';
import { SecretsView } from '@/components/secrets/secrets-view';

export const metadata: Metadata = { title: 'Secrets' };

export default function SecretsPage() {
  return <SecretsView />;
}
