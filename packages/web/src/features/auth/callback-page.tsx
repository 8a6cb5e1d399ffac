import { useEffect, useRef, useState } from "react";
import { Link, useNavigate } from "react-router";
import { userManager } from "../../lib/auth";

/** Where the identity provider returns with the code; exchanges it (PKCE) and goes back. */
export function CallbackPage() {
  const navigate = useNavigate();
  const [error, setError] = useState<string | null>(null);
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    userManager
      .signinRedirectCallback()
      .then((user) => {
        const returnTo = (user.state as { returnTo?: string } | undefined)?.returnTo;
        navigate(returnTo && returnTo !== window.location.pathname ? returnTo : "/", {
          replace: true,
        });
      })
      .catch((e: Error) => setError(e.message));
  }, [navigate]);
  return (
    <main className="centered" id="main">
      {error ? (
        <div className="card" role="alert">
          <h1>Sign-in failed</h1>
          <p>{error}</p>
          <Link to="/">Start again</Link>
        </div>
      ) : (
        <p role="status">Signing you in…</p>
      )}
    </main>
  );
}
