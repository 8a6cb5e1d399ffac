import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SFNClient } from "@aws-sdk/client-sfn";
import { SQSClient } from "@aws-sdk/client-sqs";
import type { DlqName } from "@orders/core/topology";
import { type CheckOptions, checkInvariants, type Report } from "./invariants";
import { readSnapshot, type SnapshotSources, type TableRole } from "./snapshot";

// The invariant checker as a command, against any AWS-compatible endpoint
// (the local cloud's :4566 by default):
//
//   pnpm invariants [--allow-in-flight]
//     [--table OrdersTable=name …] [--dlq PaymentQueueDlq=url …]
//     [--state-machine arn] [--no-sqs] [--no-sfn]
//     [--initial-stock stock.json] [--poison-marker text]
//
// Prints `{ok, violations, counts, sources}` as JSON; exits 1 on a violation,
// 2 when the state could not be read.

export interface RunCheckOptions extends CheckOptions {
  endpoint: string;
  region?: string;
  tables?: Partial<Record<TableRole, string>>;
  dlqUrls?: Partial<Record<DlqName, string>>;
  stateMachineArn?: string;
  sqs?: boolean;
  sfn?: boolean;
  initialStock?: Record<string, number>;
}

export async function runCheck(
  options: RunCheckOptions,
): Promise<Report & { sources: Record<string, unknown> }> {
  const config = {
    endpoint: options.endpoint,
    region: options.region ?? "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  };
  const dynamodb = new DynamoDBClient(config);
  const sqs = options.sqs === false ? undefined : new SQSClient(config);
  const sfn = options.sfn === false ? undefined : new SFNClient(config);
  try {
    const sources: SnapshotSources = {
      dynamodb,
      ...(options.tables ? { tables: options.tables } : {}),
      ...(sqs ? { sqs } : {}),
      ...(options.dlqUrls ? { dlqUrls: options.dlqUrls } : {}),
      ...(sfn ? { sfn } : {}),
      ...(options.stateMachineArn ? { stateMachineArn: options.stateMachineArn } : {}),
      ...(options.initialStock ? { initialStock: options.initialStock } : {}),
    };
    const { snapshot, tables, dlqUrls } = await readSnapshot(sources);
    const report = checkInvariants(snapshot, { now: new Date(), ...options });
    return { ...report, sources: { endpoint: options.endpoint, tables, dlqUrls } };
  } finally {
    dynamodb.destroy();
    sqs?.destroy();
    sfn?.destroy();
  }
}

function pairs(values: string[] | undefined, what: string) {
  return Object.fromEntries(
    (values ?? []).map((pair) => {
      const at = pair.indexOf("=");
      if (at < 1) throw new Error(`--${what} wants Name=value, got ${pair}`);
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );
}

async function main() {
  const { values } = parseArgs({
    options: {
      "allow-in-flight": { type: "boolean", default: false },
      table: { type: "string", multiple: true },
      dlq: { type: "string", multiple: true },
      "state-machine": { type: "string" },
      "no-sqs": { type: "boolean", default: false },
      "no-sfn": { type: "boolean", default: false },
      "initial-stock": { type: "string" },
      "poison-marker": { type: "string" },
      endpoint: { type: "string" },
    },
  });
  const marker = values["poison-marker"];
  const report = await runCheck({
    endpoint: values.endpoint ?? process.env.AWS_ENDPOINT_URL ?? "http://127.0.0.1:4566",
    ...(process.env.AWS_REGION ? { region: process.env.AWS_REGION } : {}),
    allowInFlight: values["allow-in-flight"],
    tables: pairs(values.table, "table"),
    dlqUrls: pairs(values.dlq, "dlq"),
    ...(values["state-machine"] ? { stateMachineArn: values["state-machine"] } : {}),
    sqs: !values["no-sqs"],
    sfn: !values["no-sfn"],
    ...(values["initial-stock"]
      ? { initialStock: JSON.parse(readFileSync(values["initial-stock"], "utf8")) }
      : {}),
    ...(marker ? { isExpectedPoison: (m: { body: string }) => m.body.includes(marker) } : {}),
  });
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  process.exitCode = report.ok ? 0 : 1;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error) => {
    process.stderr.write(`check: ${(error as Error).stack ?? error}\n`);
    process.exitCode = 2;
  });
}
