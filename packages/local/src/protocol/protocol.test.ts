import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  type AuthorizationRequest,
  AwsError,
  type AwsRequest,
  type AwsService,
  createDispatcher,
  decodePageToken,
  encodePageToken,
  faults,
  iam,
  jsonReply,
  jsonService,
  machineOfExecution,
  openSqlite,
  pageOfItems,
  queueArnOfUrl,
  type RequestLogLine,
  requestLog,
  startAwsServer,
  xmlReply,
} from "./index";

const scope = { region: "us-east-1", accountId: "000000000000" };
const signed = (service: string, key = "AKIDLOCAL") => ({
  authorization: `AWS4-HMAC-SHA256 Credential=${key}/20261206/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=0`,
});

function fixture() {
  const handled: AwsRequest[] = [];
  const echo: AwsService = jsonService({
    name: "echo",
    target: "Echo_2020",
    version: "1.1",
    operations: {
      Say: (r) => ({ action: "echo:Say", resources: [`arn:aws:echo:::${r.input?.To ?? "*"}`] }),
    },
    api: () => ({
      async handle(operation, input) {
        handled.push({ operation, input } as AwsRequest);
        if (input.Fail) return { status: 400, body: { __type: "Nope", message: "no" } };
        return { status: 200, body: { said: input.Text } };
      },
    }),
  });
  const form: AwsService = {
    name: "form",
    routes: { query: { signingNames: ["form"], actions: new Set(["Ping"]) } },
    operations: { Ping: () => ({ action: "form:Ping", resources: ["*"] }) },
    async handle(r) {
      handled.push(r);
      return xmlReply(r, 200, `<PingResponse>${r.input?.Value}</PingResponse>`);
    },
  };
  const rest: AwsService = {
    name: "rest",
    routes: {
      rest: [{ method: "POST", path: /^\/things\/(?<name>[^/]+)\/go$/, operation: "Go" }],
      cbor: ["RestRpc"],
    },
    operations: {
      Go: (r) => ({ action: "rest:Go", resources: [`thing/${r.input?.name}`] }),
      Rpc: () => ({ action: "rest:Rpc", resources: ["*"] }),
    },
    async handle(r) {
      handled.push(r);
      return jsonReply(r, 200, { operation: r.operation, input: r.input }, "application/json");
    },
  };
  return { services: [echo, form, rest], handled };
}

describe("dispatcher", () => {
  it("routes each wire format to its service and gives the IAM slot principal, action and resources", async () => {
    const { services, handled } = fixture();
    const seen: AuthorizationRequest[] = [];
    const d = createDispatcher({ services, middleware: [iam((c) => void seen.push(c))] });
    const json = await d.dispatch({
      method: "POST",
      url: "/",
      headers: { "x-amz-target": "Echo_2020.Say", ...signed("echo") },
      body: Buffer.from('{"Text":"hi","To":"bob"}'),
    });
    expect(json.status).toBe(200);
    expect(json.headers["content-type"]).toBe("application/x-amz-json-1.1");
    expect(JSON.parse(String(json.body))).toEqual({ said: "hi" });

    const query = await d.dispatch({
      method: "POST",
      url: "/",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: Buffer.from("Action=Ping&Value=42"),
    });
    expect(String(query.body)).toBe("<PingResponse>42</PingResponse>");

    const restOut = await d.dispatch({
      method: "POST",
      url: "/things/a%20b/go?x=1",
      headers: signed("rest", "AKIDREST"),
      body: Buffer.alloc(0),
    });
    expect(JSON.parse(String(restOut.body))).toEqual({ operation: "Go", input: { name: "a b" } });

    const cbor = await d.dispatch({
      method: "POST",
      url: "/service/RestRpc/operation/Rpc",
      headers: {},
      body: Buffer.alloc(0),
    });
    expect(JSON.parse(String(cbor.body)).operation).toBe("Rpc");

    expect(handled).toHaveLength(4);
    expect(seen.map((c) => [c.principal, c.action, c.resources])).toEqual([
      ["AKIDLOCAL", "echo:Say", ["arn:aws:echo:::bob"]],
      ["anonymous", "form:Ping", ["*"]],
      ["AKIDREST", "rest:Go", ["thing/a b"]],
      ["anonymous", "rest:Rpc", ["*"]],
    ]);
  });

  it("answers an undeclared operation, an unknown service and a malformed body without reaching a handler", async () => {
    const { services, handled } = fixture();
    const d = createDispatcher({ services });
    const call = (headers: Record<string, string>, body = "{}", url = "/") =>
      d.dispatch({ method: "POST", url, headers, body: Buffer.from(body) });

    const undeclared = await call({ "x-amz-target": "Echo_2020.Shout" });
    expect(undeclared.status).toBe(400);
    expect(undeclared.headers["x-amzn-errortype"]).toBe("UnknownOperationException");
    expect(undeclared.headers["content-type"]).toBe("application/x-amz-json-1.1");

    const unknown = await call({ "x-amz-target": "Nobody_1.Do" });
    expect(JSON.parse(String(unknown.body)).__type).toBe("UnknownOperationException");

    const malformed = await call({ "x-amz-target": "Echo_2020.Say" }, "{not json");
    expect(malformed.status).toBe(400);
    expect(JSON.parse(String(malformed.body)).__type).toBe("SerializationException");

    const otherQuery = await call(
      { "content-type": "application/x-www-form-urlencoded", ...signed("ec2") },
      "Action=DescribeInstances",
    );
    expect(otherQuery.status).toBe(400);
    expect(String(otherQuery.body)).toContain("<Code>InvalidAction</Code>");

    const nothing = await call({}, "", "/nowhere");
    expect(nothing.status).toBe(404);
    expect(handled).toEqual([]);
  });

  it("every operation of the table has an IAM declaration naming its service's action", () => {
    const { services } = fixture();
    const d = createDispatcher({ services });
    for (const service of d.services)
      for (const [operation, authorize] of Object.entries(service.operations)) {
        const out = authorize({ operation, input: {} } as AwsRequest);
        expect(out.action).toBe(`${service.name}:${operation}`);
        expect(out.resources.length).toBeGreaterThan(0);
      }
  });
});

describe("middleware", () => {
  it("a before-effect fault answers 503 in the service's shape and the handler never runs", async () => {
    const { services, handled } = fixture();
    const d = createDispatcher({
      services,
      middleware: [faults({ fault: (r) => (r.operation === "Say" ? "before-effect" : undefined) })],
    });
    const out = await d.dispatch({
      method: "POST",
      url: "/",
      headers: { "x-amz-target": "Echo_2020.Say" },
      body: Buffer.from('{"Text":"x"}'),
    });
    expect(out.status).toBe(503);
    expect(out.headers["content-type"]).toBe("application/x-amz-json-1.1");
    expect(JSON.parse(String(out.body)).__type).toBe("ServiceUnavailable");
    expect(handled).toEqual([]);
  });

  it("an after-effect fault lets the call happen, then loses its answer; a failed call keeps its own error", async () => {
    const { services, handled } = fixture();
    const d = createDispatcher({ services, middleware: [faults({ fault: () => "after-effect" })] });
    const call = (body: string) =>
      d.dispatch({
        method: "POST",
        url: "/",
        headers: { "x-amz-target": "Echo_2020.Say" },
        body: Buffer.from(body),
      });
    expect((await call('{"Text":"x"}')).status).toBe(503);
    const failed = await call('{"Fail":true}');
    expect(JSON.parse(String(failed.body)).__type).toBe("Nope");
    expect(handled).toHaveLength(2);
  });

  it("logs each request once under the caller's correlation id, denials included", async () => {
    const { services } = fixture();
    const lines: RequestLogLine[] = [];
    const d = createDispatcher({
      services,
      middleware: [
        requestLog((l) => lines.push(l)),
        iam(() => {
          throw new AwsError("AccessDeniedException", "denied", 403);
        }),
      ],
    });
    const out = await d.dispatch({
      method: "POST",
      url: "/",
      headers: { "x-amz-target": "Echo_2020.Say", "x-correlation-id": "corr-7" },
      body: Buffer.from("{}"),
    });
    expect(out.status).toBe(403);
    expect(lines).toMatchObject([
      { correlationId: "corr-7", service: "echo", operation: "Say", status: 403 },
    ]);
  });
});

describe("listener", () => {
  it("serves the dispatcher over HTTP and refuses a body over the limit", async () => {
    const { services } = fixture();
    const server = await startAwsServer(createDispatcher({ services }), 0, { maxBytes: 64 });
    try {
      const ok = await fetch(server.url, {
        method: "POST",
        headers: { "x-amz-target": "Echo_2020.Say", "content-type": "application/x-amz-json-1.1" },
        body: '{"Text":"over http"}',
      });
      expect(await ok.json()).toEqual({ said: "over http" });
      expect(ok.headers.get("x-amzn-requestid")).toMatch(/^[0-9a-f-]{36}$/);
      const big = await fetch(server.url, {
        method: "POST",
        headers: { "x-amz-target": "Echo_2020.Say" },
        body: JSON.stringify({ Text: "x".repeat(100) }),
      });
      expect(big.status).toBe(413);
    } finally {
      await server.close();
    }
  });
});

describe("pagination tokens", () => {
  const invalid = () => new AwsError("InvalidToken", "bad");
  it("round-trips an offset bound to its listing", () => {
    const items = Array.from({ length: 5 }, (_, i) => i);
    const first = pageOfItems(items, "list:a", 2, undefined, invalid);
    expect(first.page).toEqual([0, 1]);
    const second = pageOfItems(items, "list:a", 2, first.nextToken, invalid);
    expect(second.page).toEqual([2, 3]);
    const last = pageOfItems(items, "list:a", 2, second.nextToken, invalid);
    expect(last).toEqual({ page: [4] });
  });
  it("refuses a token of another listing, a forged one and garbage", () => {
    const token = encodePageToken("list:a", 2);
    expect(() => decodePageToken(token, "list:b", invalid)).toThrow("bad");
    const forged = Buffer.from('{"s":"list:a","o":-1}').toString("base64url");
    expect(() => decodePageToken(forged, "list:a", invalid)).toThrow("bad");
    expect(() => decodePageToken("!!", "list:a", invalid)).toThrow("bad");
  });
});

describe("arns", () => {
  it("derives the ARNs IAM declarations name", () => {
    expect(queueArnOfUrl(scope, "http://127.0.0.1:4566/000000000000/orders-dlq")).toBe(
      "arn:aws:sqs:us-east-1:000000000000:orders-dlq",
    );
    expect(machineOfExecution("arn:aws:states:us-east-1:000000000000:execution:saga:order-1")).toBe(
      "arn:aws:states:us-east-1:000000000000:stateMachine:saga",
    );
  });
});

describe("sqlite store base", () => {
  const dir = mkdtempSync(join(tmpdir(), "protocol-sqlite-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("opens in WAL with synchronous NORMAL and runs each migration once", () => {
    const migrations = ["CREATE TABLE t (v INTEGER)", "ALTER TABLE t ADD COLUMN w TEXT"];
    const first = openSqlite(dir, "m.sqlite", migrations.slice(0, 1));
    expect(first.db.prepare("PRAGMA journal_mode").get()).toEqual({ journal_mode: "wal" });
    expect(first.db.prepare("PRAGMA synchronous").get()).toEqual({ synchronous: 1 });
    first.db.prepare("INSERT INTO t (v) VALUES (1)").run();
    first.close();
    first.close();
    const second = openSqlite(dir, "m.sqlite", migrations);
    expect(second.db.prepare("PRAGMA user_version").get()).toEqual({ user_version: 2 });
    expect(second.db.prepare("SELECT v, w FROM t").all()).toEqual([{ v: 1, w: null }]);
    second.close();
  });

  it("rolls a failed transaction back whole", () => {
    const store = openSqlite(dir, "tx.sqlite", ["CREATE TABLE t (v INTEGER)"]);
    expect(() =>
      store.transaction(() => {
        store.db.prepare("INSERT INTO t (v) VALUES (1)").run();
        throw new Error("boom");
      }),
    ).toThrow("boom");
    expect(store.db.prepare("SELECT count(*) AS n FROM t").get()).toEqual({ n: 0 });
    store.close();
  });
});
