import { Card } from "../../../components/card";
import type { QueueDepth } from "../../../lib/admin-types";
import { queueAge } from "../../../lib/format";
import { DlqCount } from "./dlq-count";

export function WorkQueuesCard({ work, dlqs }: { work: QueueDepth[]; dlqs: QueueDepth[] }) {
  return (
    <Card title="Work queues">
      <div className="table-scroll">
        <table className="table">
          <caption className="sr-only">Work queues with their depth and DLQ</caption>
          <thead>
            <tr>
              <th scope="col">Queue</th>
              <th scope="col">Consumer</th>
              <th scope="col" className="num">
                Visible
              </th>
              <th scope="col" className="num">
                In flight
              </th>
              <th scope="col" className="num">
                Delayed
              </th>
              <th scope="col" className="num">
                Oldest
              </th>
              <th scope="col">DLQ</th>
            </tr>
          </thead>
          <tbody>
            {work.map((q) => (
              <tr key={q.name}>
                <th scope="row">
                  {q.name}
                  {/* its name in the deployment, as the AWS console and CLI list it */}
                  <br />
                  <code className="small muted" title="Physical name">
                    {q.physicalName}
                  </code>
                </th>
                <td>{q.consumer}</td>
                <td className="num">{q.visible}</td>
                <td className="num">{q.inFlight}</td>
                <td className="num">{q.delayed}</td>
                <td className="num" title={q.oldestAgeError}>
                  {queueAge(q)}
                </td>
                <td>
                  {q.dlq} <DlqCount queue={dlqs.find((d) => d.name === q.dlq)} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Card>
  );
}
