import type { Metadata } from 'next';
import { QualityView } from '@/components/deployments/quality-view';

type Props = { params: Promise<{ name: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Quality · ${decodeURIComponent((await params).name)}` };
}

export default async function DeploymentQualityPage({ params }: Props) {
  const { name } = await params;
  return <QualityView name={decodeURIComponent(name)} />;
}
