import { Link } from "react-router";
import { useAuth } from "../../lib/auth";

export function ForbiddenPage() {
  const { session } = useAuth();
  return (
    <div className="state state-error forbidden" role="alert">
      <p className="state-code" aria-hidden="true">
        403
      </p>
      <h1>Operators only</h1>
      <p>
        You are signed in as <strong>{session?.name}</strong>, who is not in the operator group. The
        ops console needs it; ask an administrator to add you.
      </p>
      <Link to="/shop" className="btn">
        Go to the shop
      </Link>
    </div>
  );
}

export function NotFoundPage() {
  return (
    <div className="state state-empty">
      <p className="state-code" aria-hidden="true">
        404
      </p>
      <h1>Nothing here</h1>
      <Link to="/">Home</Link>
    </div>
  );
}
