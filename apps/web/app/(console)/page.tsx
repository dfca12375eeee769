import type { Metadata } from 'next';
import { OverviewView } from '@/components/accounts/overview-view';

export const metadata: Metadata = { title: 'Overview' };

export default function Home() {
  return <OverviewView />;
}
