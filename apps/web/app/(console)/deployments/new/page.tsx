import type { Metadata } from 'next';
import { NewDeploymentView } from '@/components/deployments/deploy-form';

export const metadata: Metadata = { title: 'Deploy a model' };

type SearchParams = Promise<Record<'model' | 'version' | 'name', string | string[] | undefined>>;

const single = (value: string | string[] | undefined) => (typeof value === 'string' ? value : undefined);

/** `?model=iris&version=2` prefills the form (a version's "Deploy" button links here; "Redeploy" adds `name`). */
export default async function NewDeploymentPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const label = Number(single(params.version));
  return (
    <NewDeploymentView initialModel={single(params.model)} initialVersion={Number.isInteger(label) ? label : undefined} initialName={single(params.name)} />
  );
}
