import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type AwsEndpoint, createAwsEndpoint } from "../src/aws-endpoint/server";
import { functionLogGroup } from "../src/cloud/function-names";
import { ACCOUNT_ID, REGION } from "../src/config";
import { type SqsSnsEngine, startSqsSns } from "../src/engines/sqs-sns";
import { createCloudWatch } from "../src/services/cloudwatch";
import { createCloudWatchLogs, type LogStore, openLogStore } from "../src/services/cloudwatch-logs";

// The AWS endpoint as the local cloud wires it, without DynamoDB, the runner
// or the pipeline: fauxqs behind it (SQS, redrive, CloudWatch's SQS metrics)
// and a log store for CloudWatch Logs, with a fixed set of function names.
// For integration tests that need the wire protocols, not the whole cloud.

export interface TestEndpoint {
  url: string;
  endpoint: AwsEndpoint;
  sqsSns: SqsSnsEngine;
  logs: LogStore;
  /** SDK client settings for this endpoint. */
  client: {
    endpoint: string;
    region: string;
    credentials: { accessKeyId: string; secretAccessKey: string };
  };
  close(): Promise<void>;
}

export async function startTestEndpoint(options: {
  functionNames: string[];
}): Promise<TestEndpoint> {
  const dataDir = mkdtempSync(join(tmpdir(), "aws-endpoint-"));
  const sqsSns = await startSqsSns({ dataDir });
  const logs = openLogStore(dataDir);
  const endpoint = await createAwsEndpoint({
    port: 0,
    // Nothing in these tests speaks DynamoDB: a closed port answers any stray call.
    dynamodb: { endpoint: "http://127.0.0.1:9" },
    sqsSns,
    cloudWatchLogs: createCloudWatchLogs({
      store: () => logs,
      functionNames: () => options.functionNames,
      logGroupOf: functionLogGroup,
      accountId: ACCOUNT_ID,
      region: REGION,
    }),
    cloudWatch: createCloudWatch({ queue: (name) => sqsSns.snapshot(name) }),
  });
  return {
    url: endpoint.url,
    endpoint,
    sqsSns,
    logs,
    client: {
      endpoint: endpoint.url,
      region: REGION,
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
    },
    async close() {
      await endpoint.close();
      logs.close();
      await sqsSns.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
