import type { Metadata } from 'next';
import { LoginForm } from '@/components/login-form';

export const metadata: Metadata = { title: 'Sign in' };

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string | string[] }> }) {
  const { next } = await searchParams;
  return (
    <div className="login">
      <section className="card login-card" aria-labelledby="login-title">
        <div>
          <div className="brand" style={{ padding: 0, marginBottom: 16 }}>
            <span className="brand-mark" aria-hidden="true">
              S
            </span>
            Slipway
          </div>
          <h1 id="login-title">Sign in</h1>
          <p className="muted">Deploy and serve your models.</p>
        </div>
        <LoginForm next={typeof next === 'string' ? next : undefined} />
      </section>
    </div>
  );
}
