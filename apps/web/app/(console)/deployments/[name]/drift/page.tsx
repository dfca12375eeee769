import type { Metadata } from 'next';
import { DriftView } from '@/components/deployments/drift-view';

type Props = { params: Promise<{ name: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Drift · ${decodeURIComponent((await params).name)}` };
}

export default async function DeploymentDriftPage({ params }: Props) {
  const { name } = await params;
  return <DriftView name={decodeURIComponent(name)} />;
}
