// CloudWatch Logs on the local AWS endpoint, over the runner's log store: the
// console's log search (the admin API's own adapter, unchanged from AWS) finds
// one order's lines through DescribeLogGroups + StartQuery + GetQueryResults;
// the SDK sees AWS's errors; and Debian's AWS CLI (botocore, no code shared
// with our SDK) parses every reply.
import {
  CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  GetQueryResultsCommand,
  StartQueryCommand,
  StopQueryCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { cloudWatchLogs, lambdaLogGroups } from "@orders/functions/admin/adapters/logs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AwsCli, awsCli } from "../test/aws-cli";
import { startTestEndpoint, type TestEndpoint } from "../test/aws-endpoint";
import { deployment } from "./graph";

let aws: TestEndpoint;
let client: CloudWatchLogsClient;
let cli: AwsCli;
const now = Date.now();
// The deployment's log groups (SST gives each function its own, suffixed).
const INGRESS = deployment().functions.Ingress.logGroup;
const PAYMENT = deployment().functions.PaymentWorker.logGroup;
const NOTIFIER = deployment().functions.Notifier.logGroup;

/** A Powertools JSON line, as a handler writes it. */
const line = (
  functionName: string,
  requestId: string,
  at: number,
  fields: Record<string, unknown>,
) =>
  aws.logs.append({
    time: at,
    functionName,
    requestId,
    stream: "stdout",
    message: JSON.stringify({
      timestamp: new Date(at).toISOString(),
      service: functionName.toLowerCase(),
      function_request_id: requestId,
      ...fields,
    }),
  });

beforeAll(async () => {
  aws = await startTestEndpoint({ functionNames: ["Ingress", "PaymentWorker", "Notifier"] });
  client = new CloudWatchLogsClient(aws.client);
  cli = awsCli(() => aws.url);
  line("Ingress", "r1", now - 3000, {
    level: "INFO",
    message: "order accepted",
    correlation_id: "corr-1",
  });
  line("PaymentWorker", "r2", now - 2000, {
    level: "ERROR",
    message: "charge declined",
    correlation_id: "corr-1",
  });
  line("PaymentWorker", "r3", now - 1000, {
    level: "INFO",
    message: "charged",
    correlation_id: "corr-2",
  });
  // A platform line of the same invocation: the store ties it to corr-1, but it
  // carries no correlation_id field, so Insights does not return it.
  aws.logs.append({
    time: now - 1500,
    functionName: "PaymentWorker",
    requestId: "r2",
    stream: "platform",
    message: "END RequestId: r2",
    correlationId: "corr-1",
  });
  // Outside the window the console asks for.
  line("Ingress", "r0", now - 3_600_000, {
    level: "INFO",
    message: "an hour ago",
    correlation_id: "corr-1",
  });
});

afterAll(async () => {
  client?.destroy();
  cli?.close();
  await aws?.close();
});

const window = {
  from: new Date(now - 60_000).toISOString(),
  to: new Date(now + 60_000).toISOString(),
};

describe("CloudWatch Logs on the local endpoint (SDK)", () => {
  it("DescribeLogGroups lists one group per function, named as SST names them, page by page", async () => {
    const all = await client.send(
      new DescribeLogGroupsCommand({ logGroupNamePrefix: "/aws/lambda/orders-local-" }),
    );
    expect(all.logGroups?.map((g) => g.logGroupName)).toEqual([INGRESS, NOTIFIER, PAYMENT]);
    expect(all.logGroups?.[0]).toMatchObject({
      arn: `arn:aws:logs:us-east-1:000000000000:log-group:${INGRESS}:*`,
      logGroupArn: `arn:aws:logs:us-east-1:000000000000:log-group:${INGRESS}`,
    });
    const first = await client.send(new DescribeLogGroupsCommand({ limit: 2 }));
    expect(first.logGroups).toHaveLength(2);
    const second = await client.send(
      new DescribeLogGroupsCommand({ limit: 2, nextToken: first.nextToken }),
    );
    expect(second.logGroups?.map((g) => g.logGroupName)).toEqual([PAYMENT]);
    expect(second.nextToken).toBeUndefined();
    const none = await client.send(
      new DescribeLogGroupsCommand({ logGroupNamePrefix: "/aws/lambda/other-app-" }),
    );
    expect(none.logGroups).toEqual([]);
  });

  it("the console's log search finds one order's lines across functions, oldest first", async () => {
    const logs = cloudWatchLogs({
      logs: client,
      logGroups: lambdaLogGroups(client, () => ({ name: "orders", stage: "local" })),
    });
    const lines = await logs.byCorrelationId("corr-1", window);
    expect(lines.map((l) => [l.service, l.level, l.message, l.requestId])).toEqual([
      ["ingress", "INFO", "order accepted", "r1"],
      ["paymentworker", "ERROR", "charge declined", "r2"],
    ]);
    expect(lines[1]!.fields).toMatchObject({ logGroup: `000000000000:${PAYMENT}` });
    expect(lines[0]!.at).toBe(new Date(now - 3000).toISOString());
  });

  it("StartQuery runs a query to completion; GetQueryResults returns rows and statistics", async () => {
    const { queryId } = await client.send(
      new StartQueryCommand({
        logGroupNames: [INGRESS, PAYMENT],
        startTime: Math.floor((now - 60_000) / 1000),
        endTime: Math.ceil(now / 1000),
        queryString: "stats count(*) as lines by level | sort lines desc",
      }),
    );
    const result = await client.send(new GetQueryResultsCommand({ queryId }));
    expect(result.status).toBe("Complete");
    expect(result.results).toEqual([
      [
        { field: "level", value: "INFO" },
        { field: "lines", value: "2" },
      ],
      [
        { field: "level", value: "ERROR" },
        { field: "lines", value: "1" },
      ],
      [{ field: "lines", value: "1" }],
    ]);
    expect(result.statistics).toMatchObject({ recordsScanned: 4, recordsMatched: 4 });
    // The query finished inside StartQuery: nothing to stop.
    expect((await client.send(new StopQueryCommand({ queryId }))).success).toBe(false);
  });

  it.each([
    [
      "a query outside the subset",
      { queryString: "parse @message 'a * b' as x, y", logGroupNames: [INGRESS] },
      "MalformedQueryException",
    ],
    [
      "a log group that does not exist",
      { queryString: "fields @message", logGroupNames: ["/aws/lambda/nope"] },
      "ResourceNotFoundException",
    ],
    ["no log group", { queryString: "fields @message" }, "InvalidParameterException"],
  ])("StartQuery refuses %s with %s", async (_, input, name) => {
    await expect(
      client.send(
        new StartQueryCommand({
          ...input,
          startTime: Math.floor(now / 1000) - 60,
          endTime: Math.floor(now / 1000),
        }),
      ),
    ).rejects.toMatchObject({ name });
  });

  it("GetQueryResults of an unknown query is ResourceNotFoundException", async () => {
    await expect(
      client.send(new GetQueryResultsCommand({ queryId: "00000000-0000-0000-0000-000000000000" })),
    ).rejects.toMatchObject({ name: "ResourceNotFoundException" });
  });
});

describe("aws logs (AWS CLI against the local endpoint)", { timeout: 60_000 }, () => {
  it("describe-log-groups", async () => {
    const out = await cli.json<{ logGroups: { logGroupName: string }[] }>(
      "logs",
      "describe-log-groups",
      "--log-group-name-prefix",
      "/aws/lambda/orders-local-P",
    );
    expect(out.logGroups.map((g) => g.logGroupName)).toEqual([PAYMENT]);
  });

  it("start-query and get-query-results", async () => {
    const { queryId } = await cli.json<{ queryId: string }>(
      "logs",
      "start-query",
      "--log-group-names",
      INGRESS,
      PAYMENT,
      "--start-time",
      String(Math.floor((now - 60_000) / 1000)),
      "--end-time",
      String(Math.ceil(now / 1000)),
      "--query-string",
      'fields @timestamp, message | filter correlation_id = "corr-1" | sort @timestamp asc',
    );
    const result = await cli.json<{
      status: string;
      results: { field: string; value: string }[][];
    }>("logs", "get-query-results", "--query-id", queryId);
    expect(result.status).toBe("Complete");
    expect(result.results.map((row) => row.find((f) => f.field === "message")?.value)).toEqual([
      "order accepted",
      "charge declined",
    ]);
  });

  it("a malformed query is the CLI's MalformedQueryException", async () => {
    const out = await cli.run(
      "logs",
      "start-query",
      "--log-group-name",
      INGRESS,
      "--start-time",
      "0",
      "--end-time",
      "1",
      "--query-string",
      "dedup @message",
    );
    expect(out.code).not.toBe(0);
    expect(out.stderr).toMatch(/MalformedQueryException/);
  });
});
