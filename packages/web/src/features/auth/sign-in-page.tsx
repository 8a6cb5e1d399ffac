import { useState } from "react";
import { useAuth } from "../../lib/auth";

export function SignInPage() {
  const { signIn } = useAuth();
  const [error, setError] = useState<string | null>(null);
  return (
    <main className="centered" id="main">
      <div className="card sign-in">
        <div className="brand brand-large" aria-hidden="true">
          <span className="brand-mark" />
          Orders
        </div>
        <h1>Sign in</h1>
        <p className="muted">
          Customers shop and follow their orders; operators also see the ops console.
        </p>
        <button
          type="button"
          className="btn btn-primary btn-block"
          onClick={() => signIn().catch((e: Error) => setError(e.message))}
        >
          Sign in with your account
        </button>
        {error ? (
          <p className="note note-bad" role="alert">
            The identity provider cannot be reached: {error}
          </p>
        ) : null}
      </div>
    </main>
  );
}
