import type { Metadata } from 'next';
import { AlertsView } from '@/components/deployments/alerts-view';

type Props = { params: Promise<{ name: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Alerts · ${decodeURIComponent((await params).name)}` };
}

export default async function DeploymentAlertsPage({ params }: Props) {
  const { name } = await params;
  return <AlertsView name={decodeURIComponent(name)} />;
}
