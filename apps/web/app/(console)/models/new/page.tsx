import type { Metadata } from 'next';
import { NewModelView } from '@/components/models/new-model-view';

export const metadata: Metadata = { title: 'Upload a model' };

export default function NewModelPage() {
  return <NewModelView />;
}
