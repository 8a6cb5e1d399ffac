import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { resolve } from "node:path";
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DynamoDBClient,
  ListTablesCommand,
  UpdateTimeToLiveCommand,
} from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { type TableSpec, tables } from "../topology/resources";

// A private, in-memory DynamoDB Local per test file (AWS's own engine, so
// conditional writes, transactions and streams behave as on AWS), with the
// topology's tables. Integration tests use it instead of mocks.

export const dynamoDbLocalJar = () => {
  let dir = process.cwd();
  for (let i = 0; i < 6; i++) {
    const jar = resolve(dir, ".cache/dynamodb-local/DynamoDBLocal.jar");
    if (existsSync(jar)) return jar;
    dir = resolve(dir, "..");
  }
  throw new Error(
    "DynamoDBLocal.jar not found under .cache/dynamodb-local (run the set-up script)",
  );
};

export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => done(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/** The CreateTable request for a topology table, named `name`. */
export function createTableInput(name: string, spec: TableSpec): CreateTableCommandInput {
  const attributes = new Set([spec.hashKey, ...(spec.rangeKey ? [spec.rangeKey] : [])]);
  for (const index of Object.values(spec.globalIndexes)) {
    attributes.add(index.hashKey);
    if (index.rangeKey) attributes.add(index.rangeKey);
  }
  const schema = (hash: string, range?: string) => [
    { AttributeName: hash, KeyType: "HASH" as const },
    ...(range ? [{ AttributeName: range, KeyType: "RANGE" as const }] : []),
  ];
  const indexes = Object.entries(spec.globalIndexes);
  return {
    TableName: name,
    BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: [...attributes].map((a) => ({
      AttributeName: a,
      AttributeType: "S" as const,
    })),
    KeySchema: schema(spec.hashKey, spec.rangeKey),
    ...(indexes.length
      ? {
          GlobalSecondaryIndexes: indexes.map(([indexName, index]) => ({
            IndexName: indexName,
            KeySchema: schema(index.hashKey, index.rangeKey),
            Projection: { ProjectionType: "ALL" as const },
          })),
        }
      : {}),
    ...(spec.stream
      ? {
          StreamSpecification: {
            StreamEnabled: true,
            StreamViewType: "NEW_AND_OLD_IMAGES" as const,
          },
        }
      : {}),
  };
}

export interface DynamoDbLocal {
  endpoint: string;
  client: DynamoDBClient;
  doc: DynamoDBDocumentClient;
  tableNames: Record<keyof typeof tables, string>;
  stop: () => Promise<void>;
}

export async function startDynamoDbLocal(): Promise<DynamoDbLocal> {
  // `pnpm test:unit` selects its files by name; this catches a file that needs the engine anyway.
  if (process.env.ORDERS_TEST_TIER === "unit")
    throw new Error(
      "DynamoDB Local is an engine: a test that starts it is named *.integration.test.ts, and pnpm test:unit runs none",
    );
  const port = await freePort();
  const child: ChildProcess = spawn(
    "java",
    ["-jar", dynamoDbLocalJar(), "-inMemory", "-port", String(port), "-disableTelemetry"],
    { stdio: "ignore", cwd: resolve(dynamoDbLocalJar(), "..") },
  );
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  const started = Date.now();
  for (;;) {
    try {
      await client.send(new ListTablesCommand({}));
      break;
    } catch (error) {
      if (child.exitCode !== null) throw new Error(`DynamoDB Local exited (${child.exitCode})`);
      if (Date.now() - started > 30_000) throw error;
      await new Promise((r) => setTimeout(r, 150));
    }
  }
  const tableNames = Object.fromEntries(Object.keys(tables).map((name) => [name, name])) as Record<
    keyof typeof tables,
    string
  >;
  for (const [name, spec] of Object.entries(tables) as [keyof typeof tables, TableSpec][]) {
    await client.send(new CreateTableCommand(createTableInput(tableNames[name], spec)));
    if (spec.ttl) {
      await client.send(
        new UpdateTimeToLiveCommand({
          TableName: tableNames[name],
          TimeToLiveSpecification: { AttributeName: spec.ttl, Enabled: true },
        }),
      );
    }
  }
  const doc = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  return {
    endpoint,
    client,
    doc,
    tableNames,
    stop: async () => {
      client.destroy();
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await exited;
      }
    },
  };
}

/** Env for handlers under test: SST links and the endpoint, as the local cloud sets them. */
export function linkEnv(links: Record<string, unknown>, endpoint: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
    SST_RESOURCE_App: JSON.stringify({ name: "orders", stage: "test" }),
    // Quiet Powertools in tests (set QUIET_HANDLERS=0 to see their logs).
    ...(process.env.QUIET_HANDLERS === "0"
      ? {}
      : {
          POWERTOOLS_LOG_LEVEL: "SILENT",
          POWERTOOLS_METRICS_DISABLED: "true",
          POWERTOOLS_TRACE_ENABLED: "false",
        }),
    ...Object.fromEntries(
      Object.entries(links).map(([name, value]) => [`SST_RESOURCE_${name}`, JSON.stringify(value)]),
    ),
  };
}
