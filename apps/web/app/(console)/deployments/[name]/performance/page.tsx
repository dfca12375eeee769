import type { Metadata } from 'next';
import { PerformanceView } from '@/components/deployments/performance-view';

type Props = { params: Promise<{ name: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Performance · ${decodeURIComponent((await params).name)}` };
}

export default async function DeploymentPerformancePage({ params }: Props) {
  const { name } = await params;
  return <PerformanceView name={decodeURIComponent(name)} />;
}
