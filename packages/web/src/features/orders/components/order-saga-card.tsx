import { Link } from "react-router";
import { Card } from "../../../components/card";
import { SagaGraph } from "../../../components/saga-graph/saga-graph";
import { ErrorState, Loading } from "../../../components/states";
import { StatusBadge } from "../../../components/status-badge";
import { useExecution } from "../../../lib/api/get-execution";

/** The saga drawn with the path this order's execution took. */
export function OrderSagaCard({ executionArn }: { executionArn: string | null }) {
  const execution = useExecution(executionArn);
  return (
    <Card
      title="Saga"
      actions={
        executionArn ? (
          <Link to={`/ops/executions/${encodeURIComponent(executionArn)}`} className="small">
            Execution details
          </Link>
        ) : null
      }
    >
      {!executionArn ? (
        <>
          <p className="muted small">No saga has claimed this order yet.</p>
          <SagaGraph />
        </>
      ) : execution.isPending ? (
        <Loading label="Loading the execution…" />
      ) : execution.isError ? (
        <ErrorState error={execution.error} retry={() => execution.refetch()} />
      ) : (
        <>
          <p className="small">
            <StatusBadge status={execution.data.status} /> {execution.data.states.length} states
            visited
          </p>
          <SagaGraph states={execution.data.states} />
        </>
      )}
    </Card>
  );
}
