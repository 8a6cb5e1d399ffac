import { defineFunction } from "./functions";
import { tables } from "./storage";

// The sandbox notification provider: a service of its own (own ledger, own
// URL), standing in for a real email/SMS API with idempotency keys. The
// notifier reaches it over HTTPS at `Resource.NotificationProvider.url`. The
// function URL takes IAM auth: only functions linked to NotificationProvider
// (the notifier) may call it, and they sign every request.

export const sandbox = defineFunction("NotificationSandbox", tables, {
  url: { authorization: "iam" },
});

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
