import { type APIRequestContext, expect } from "@playwright/test";
import type { QueueName } from "../../packages/core/src/topology";
import { deployment } from "../../packages/local/src/graph";

// Talking to the running local cloud directly: tokens from the provider's
// dev endpoint, the public and admin APIs, and polling until an order settles.

export async function devToken(
  request: APIRequestContext,
  who: { sub: string; groups: readonly string[] },
) {
  const response = await request.post("/auth/dev/token", {
    data: { sub: who.sub, groups: who.groups },
  });
  expect(response.ok(), `dev token for ${who.sub}: ${response.status()}`).toBeTruthy();
  return ((await response.json()) as { access_token: string }).access_token;
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

export interface PlaceOrder {
  lines: { sku: string; quantity: number }[];
  card?: string;
}

export async function placeOrder(
  request: APIRequestContext,
  token: string,
  order: PlaceOrder,
  idempotencyKey: string = crypto.randomUUID(),
) {
  const response = await request.post("/api/orders", {
    headers: { ...bearer(token), "idempotency-key": idempotencyKey },
    data: { lines: order.lines, currency: "USD", payment: { card: order.card ?? "tok_approve" } },
  });
  return {
    response,
    body: (await response.json()) as {
      orderId: string;
      status: string;
      statusUrl: string;
      code?: string;
    },
  };
}

export async function orderStatus(request: APIRequestContext, token: string, orderId: string) {
  const response = await request.get(`/api/orders/${orderId}`, { headers: bearer(token) });
  return {
    response,
    body: response.ok()
      ? ((await response.json()) as { status: string; timeline: { kind: string }[] })
      : undefined,
  };
}

/** Poll the status URL until the order reaches one of `statuses`. */
export async function waitForStatus(
  request: APIRequestContext,
  token: string,
  orderId: string,
  statuses: string[],
  timeoutMs = 120_000,
) {
  let last = "";
  await expect
    .poll(
      async () => {
        last = (await orderStatus(request, token, orderId)).body?.status ?? "";
        return statuses.includes(last);
      },
      {
        timeout: timeoutMs,
        intervals: [500, 1000, 2000],
        message: `order ${orderId} to reach ${statuses.join("/")} (last: ${last})`,
      },
    )
    .toBe(true);
  return last;
}

/**
 * Take the sandbox payment provider down or bring it back through the local
 * cloud's fault control, POST /_local/faults {"PaymentSandbox": "down" | "up"}.
 * Returns false when there is no such control (a deployed stage: the test skips).
 */
export async function setSandbox(request: APIRequestContext, state: "down" | "up") {
  const response = await request.post("/_local/faults", { data: { PaymentSandbox: state } });
  return response.ok();
}

/** The local cloud's AWS endpoint (E2E_AWS_URL), for what the console does not do. */
export const awsUrl = process.env.E2E_AWS_URL ?? "http://localhost:4566";

/**
 * A queue's visibility timeout through the local AWS endpoint (SQS JSON
 * protocol; nothing local checks signatures). Returns the previous value.
 * The queue is a topology name: locally it carries the synthesized graph's physical name.
 */
export async function setVisibilityTimeout(
  request: APIRequestContext,
  queue: QueueName,
  seconds: number,
) {
  const sqs = (action: string, body: object) =>
    request.post(awsUrl, {
      headers: {
        "content-type": "application/x-amz-json-1.0",
        "x-amz-target": `AmazonSQS.${action}`,
      },
      data: body,
    });
  const QueueUrl = `${awsUrl}/000000000000/${deployment().queues[queue].name}`;
  const current = await sqs("GetQueueAttributes", {
    QueueUrl,
    AttributeNames: ["VisibilityTimeout"],
  });
  expect(current.ok(), `GetQueueAttributes ${queue}: ${current.status()}`).toBeTruthy();
  const previous = Number(
    ((await current.json()) as { Attributes: { VisibilityTimeout: string } }).Attributes
      .VisibilityTimeout,
  );
  const set = await sqs("SetQueueAttributes", {
    QueueUrl,
    Attributes: { VisibilityTimeout: String(seconds) },
  });
  expect(set.ok(), `SetQueueAttributes ${queue}: ${set.status()}`).toBeTruthy();
  return previous;
}
