import Link from 'next/link';

export default function NotFound() {
  return (
    <div className="login">
      <section className="card login-card">
        <h1>Page not found</h1>
        <p className="muted">There is nothing at this address.</p>
        <Link className="btn btn-primary" href="/models">
          Go to models
        </Link>
      </section>
    </div>
  );
}
