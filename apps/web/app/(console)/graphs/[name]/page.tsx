import type { Metadata } from 'next';
import { GraphView } from '@/components/graphs/graph-view';

type Props = { params: Promise<{ name: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Graph · ${decodeURIComponent((await params).name)}` };
}

export default async function GraphPage({ params }: Props) {
  const { name } = await params;
  return <GraphView name={decodeURIComponent(name)} />;
}
