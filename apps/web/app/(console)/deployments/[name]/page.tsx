import type { Metadata } from 'next';
import { DeploymentView } from '@/components/deployments/deployment-view';

type Props = { params: Promise<{ name: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: decodeURIComponent((await params).name) };
}

export default async function DeploymentPage({ params }: Props) {
  const { name } = await params;
  return <DeploymentView name={decodeURIComponent(name)} />;
}
