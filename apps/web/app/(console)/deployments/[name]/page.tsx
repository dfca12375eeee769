import type { Metadata } from 'next';
import { Suspense } from 'react';
import { DeploymentView } from '@/components/deployments/deployment-view';

type Props = { params: Promise<{ name: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: decodeURIComponent((await params).name) };
}

export default async function DeploymentPage({ params }: Props) {
  const { name } = await params;
  // The selected tab is read from the address (useSearchParams), which needs a Suspense boundary.
  return (
    <Suspense>
      <DeploymentView name={decodeURIComponent(name)} />
    </Suspense>
  );
}
