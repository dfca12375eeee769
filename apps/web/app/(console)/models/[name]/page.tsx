import type { Metadata } from 'next';
import { ModelView } from '@/components/models/model-view';

type Props = { params: Promise<{ name: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: decodeURIComponent((await params).name) };
}

export default async function ModelPage({ params }: Props) {
  const { name } = await params;
  return <ModelView name={decodeURIComponent(name)} />;
}
