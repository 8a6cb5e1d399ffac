import { defineFunction } from "./functions";
import { tables } from "./storage";
import { functionsOf } from "./wiring";

// The sandbox notification provider: a service of its own (own ledger, own
// URL), standing in for a real email/SMS API with idempotency keys. The
// notifier reaches it over HTTPS at `Resource.NotificationProvider.url`. The
// function URL takes IAM auth: only functions linked to NotificationProvider
// (the notifier) may call it, and they sign every request.

const [sandboxName] = functionsOf("notification-sandbox");
if (sandboxName !== "NotificationSandbox")
  throw new Error("the topology has no NotificationSandbox function");

export const sandbox = defineFunction(sandboxName, tables, { url: { authorization: "iam" } });

export const notificationProvider = new sst.Linkable("NotificationProvider", {
  properties: { url: sandbox.url, auth: "iam" },
  include: [
    sst.aws.permission({
      // Since October 2025 a function URL needs both actions.
      actions: ["lambda:InvokeFunctionUrl", "lambda:InvokeFunction"],
      resources: [sandbox.arn],
    }),
  ],
});
