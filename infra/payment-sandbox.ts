import { defineFunction, offerGrantTargets } from "./functions";
import { tables } from "./storage";

// The sandbox payment provider: a service of its own (own ledger, own URL),
// standing in for a real PSP in test mode. Our functions reach it the way they
// would reach a real one, over HTTPS at `Resource.PaymentProvider.url`. The
// function URL takes IAM auth, not public: only functions the topology grants
// lambda:InvokeFunctionUrl on PaymentProvider may call it, signing every request.

export const sandbox = defineFunction("PaymentSandbox", tables, { url: { authorization: "iam" } });

export const paymentProvider = new sst.Linkable("PaymentProvider", {
  properties: { url: sandbox.url, auth: "iam" },
});

// Calling the provider is a grant on its function (lambda:InvokeFunctionUrl).
offerGrantTargets({ PaymentProvider: sandbox.arn });
