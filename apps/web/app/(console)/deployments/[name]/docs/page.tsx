import type { Metadata } from 'next';
import { ModelDocsView } from '@/components/docs/model-docs-view';

type Props = { params: Promise<{ name: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `${decodeURIComponent((await params).name)} API` };
}

export default async function DeploymentDocsPage({ params }: Props) {
  const { name } = await params;
  return <ModelDocsView name={decodeURIComponent(name)} />;
}
