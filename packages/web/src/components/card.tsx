import { type ReactNode, useId } from "react";

export function Card({
  title,
  children,
  actions,
  className = "",
}: {
  title?: ReactNode;
  children: ReactNode;
  actions?: ReactNode;
  className?: string;
}) {
  const id = useId();
  return (
    <section className={`card ${className}`} aria-labelledby={title ? id : undefined}>
      {title ? (
        <div className="card-head">
          <h2 id={id}>{title}</h2>
          {actions}
        </div>
      ) : null}
      {children}
    </section>
  );
}
