import { useState } from "react";
import { Link } from "react-router";
import { PageHeader } from "../../components/page-header";
import { ErrorState, Loading } from "../../components/states";
import { useQueues } from "../../lib/api/get-queues";
import { DeadLetterQueuesCard } from "./components/dead-letter-queues-card";
import { DlqBrowser } from "./components/dlq-browser";
import { WorkQueuesCard } from "./components/work-queues-card";

export function QueuesPage() {
  const queues = useQueues();
  const [browsing, setBrowsing] = useState<string | null>(null);
  const work = queues.data?.queues.filter((q) => q.kind === "work") ?? [];
  const dlqs = queues.data?.queues.filter((q) => q.kind === "dlq") ?? [];
  const browsed = dlqs.find((d) => d.name === browsing);
  return (
    <>
      <PageHeader
        title="Queues"
        description="Depths refresh every 5 s. Any message in a DLQ is an incident (seed §10.3)."
        actions={
          <Link to="/ops/replay" className="btn">
            Replay archived events
          </Link>
        }
      />
      {queues.isPending ? (
        <Loading label="Reading queue attributes…" />
      ) : queues.isError ? (
        <ErrorState error={queues.error} retry={() => queues.refetch()} />
      ) : (
        <>
          <WorkQueuesCard work={work} dlqs={dlqs} />
          <DeadLetterQueuesCard dlqs={dlqs} browsing={browsing} onBrowse={setBrowsing} />
          {browsed ? <DlqBrowser queue={browsed} onClose={() => setBrowsing(null)} /> : null}
        </>
      )}
    </>
  );
}
