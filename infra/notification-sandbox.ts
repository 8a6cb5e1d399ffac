import { defineFunction, offerGrantTargets } from "./functions";
import { tables } from "./storage";

// The sandbox notification provider: a service of its own (own ledger, own
// URL), standing in for a real email/SMS API with idempotency keys. The
// notifier reaches it over HTTPS at `Resource.NotificationProvider.url`. The
// function URL takes IAM auth: only functions the topology grants
// lambda:InvokeFunctionUrl on NotificationProvider (the notifier) may call it,
// signing every request.

export const sandbox = defineFunction("NotificationSandbox", tables, {
  url: { authorization: "iam" },
});

export const notificationProvider = new sst.Linkable("NotificationProvider", {
  properties: { url: sandbox.url, auth: "iam" },
});

// Calling the provider is a grant on its function (lambda:InvokeFunctionUrl).
offerGrantTargets({ NotificationProvider: sandbox.arn });
