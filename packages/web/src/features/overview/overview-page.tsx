import { PageHeader } from "../../components/page-header";
import { KeySignals } from "./components/key-signals";
import { QueueDepthsCard } from "./components/queue-depths-card";
import { RecentFailuresCard } from "./components/recent-failures-card";
import { SagasByStatusCard } from "./components/sagas-by-status-card";
import { WaitingApprovalsCard } from "./components/waiting-approvals-card";

// Each part reads its endpoints through the shared query options, so the
// parts that show the same endpoint share one request and one refresh.
export function OverviewPage() {
  return (
    <>
      <PageHeader
        title="Overview"
        description={
          <span className="live">
            <span className="pulse" aria-hidden="true" /> Live · queues every 5 s, sagas every 10 s
          </span>
        }
      />
      <KeySignals />
      <div className="grid-2">
        <QueueDepthsCard />
        <div className="stack">
          <SagasByStatusCard />
          <WaitingApprovalsCard />
          <RecentFailuresCard />
        </div>
      </div>
    </>
  );
}
