import { useId } from "react";
import { Link, useSearchParams } from "react-router";
import { Card } from "../../components/card";
import { PageHeader } from "../../components/page-header";
import { Empty, ErrorState, Loading } from "../../components/states";
import { StatusBadge } from "../../components/status-badge";
import { dateTime, duration } from "../../lib/format";
import { useExecutions } from "./api/list-executions";

const statuses = ["", "RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"];

export function ExecutionsPage() {
  const [params, setParams] = useSearchParams();
  const status = params.get("status") ?? "";
  const executions = useExecutions(status);
  const selectId = useId();
  const items = executions.data?.pages.flatMap((p) => p.items) ?? [];
  const stateMachine = executions.data?.pages[0]?.stateMachine;
  return (
    <>
      <PageHeader
        title="Saga executions"
        description={
          <>
            Every run of the fulfilment saga, newest first
            {stateMachine ? (
              <>
                {" "}
                (state machine <code title={stateMachine.arn}>{stateMachine.name}</code>)
              </>
            ) : null}
            .
          </>
        }
        actions={
          <div className="field-inline">
            <label htmlFor={selectId}>Status</label>
            <select
              id={selectId}
              value={status}
              onChange={(e) => setParams(e.target.value ? { status: e.target.value } : {})}
            >
              {statuses.map((s) => (
                <option key={s} value={s}>
                  {s ? s.replace("_", " ").toLowerCase() : "all"}
                </option>
              ))}
            </select>
          </div>
        }
      />
      <Card>
        {executions.isPending ? (
          <Loading label="Listing executions…" />
        ) : executions.isError ? (
          <ErrorState error={executions.error} retry={() => executions.refetch()} />
        ) : items.length === 0 ? (
          <Empty
            title={
              status
                ? `No ${status.toLowerCase().replace("_", " ")} executions`
                : "No executions yet"
            }
          >
            A saga starts for every placed order.
          </Empty>
        ) : (
          <div className="table-scroll">
            <table className="table">
              <caption className="sr-only">Saga executions</caption>
              <thead>
                <tr>
                  <th scope="col">Execution</th>
                  <th scope="col">Status</th>
                  <th scope="col">Started</th>
                  <th scope="col" className="num">
                    Duration
                  </th>
                </tr>
              </thead>
              <tbody>
                {items.map((e) => (
                  <tr key={e.executionArn}>
                    <td>
                      <Link to={`/ops/executions/${encodeURIComponent(e.executionArn)}`}>
                        {e.name}
                      </Link>
                    </td>
                    <td>
                      <StatusBadge status={e.status} />
                    </td>
                    <td>{dateTime(e.startDate)}</td>
                    <td className="num">
                      {e.stopDate
                        ? duration(Date.parse(e.stopDate) - Date.parse(e.startDate))
                        : "running"}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {executions.hasNextPage ? (
          <button
            type="button"
            className="btn"
            onClick={() => executions.fetchNextPage()}
            disabled={executions.isFetchingNextPage}
          >
            {executions.isFetchingNextPage ? "Loading…" : "Load more"}
          </button>
        ) : null}
      </Card>
    </>
  );
}
