import { Suspense } from "react";
import { NavLink, Outlet, useNavigation } from "react-router";
import { Loading } from "../components/states";
import { ForbiddenPage } from "../features/auth/forbidden-page";
import { SignInPage } from "../features/auth/sign-in-page";
import { useAuth } from "../lib/auth";

const opsNav = [
  { to: "/ops", label: "Overview", end: true },
  { to: "/ops/orders", label: "Orders" },
  { to: "/ops/approvals", label: "Approvals" },
  { to: "/ops/queues", label: "Queues" },
  { to: "/ops/replay", label: "Replay" },
  { to: "/ops/executions", label: "Executions" },
];

export function AppLayout() {
  const { status, session, signOut } = useAuth();
  const navigation = useNavigation();
  if (status === "loading") return <Loading label="Checking your session…" />;
  if (status === "signed-out" || !session) return <SignInPage />;
  return (
    <div className="shell">
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <header className="topbar">
        <NavLink to="/" className="brand" aria-label="Orders console home">
          <span className="brand-mark" aria-hidden="true" />
          Orders
        </NavLink>
        <nav aria-label="Main" className="nav">
          <NavLink to="/shop">Shop</NavLink>
          {session.isOperator
            ? opsNav.map((item) => (
                <NavLink key={item.to} to={item.to} end={item.end ?? false}>
                  {item.label}
                </NavLink>
              ))
            : null}
        </nav>
        <div className="user">
          <span
            className="user-name"
            title={session.groups.length ? `Groups: ${session.groups.join(", ")}` : "No groups"}
          >
            {session.name}
            {session.isOperator ? <span className="badge badge-info">ops</span> : null}
          </span>
          <button type="button" className="btn btn-ghost btn-small" onClick={() => signOut()}>
            Sign out
          </button>
        </div>
      </header>
      {navigation.state === "loading" ? (
        <div className="progress" role="progressbar" aria-label="Loading page" />
      ) : null}
      <main id="main" className="main">
        <Suspense fallback={<Loading />}>
          <Outlet />
        </Suspense>
      </main>
    </div>
  );
}

/** Ops pages: the operator group or a clear 403 (the API refuses anyway). */
export function RequireOperator() {
  const { session } = useAuth();
  return session?.isOperator ? <Outlet /> : <ForbiddenPage />;
}
