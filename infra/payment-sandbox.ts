import { defineFunction } from "./functions";
import { tables } from "./storage";

// The sandbox payment provider: a service of its own (own ledger, own URL),
// standing in for a real PSP in test mode. Our functions reach it the way they
// would reach a real one, over HTTPS at `Resource.PaymentProvider.url`. The
// function URL takes IAM auth, not public: only functions linked to
// PaymentProvider get the right to call it, and they sign every request.

export const sandbox = defineFunction("PaymentSandbox", tables, { url: { authorization: "iam" } });

export const paymentProvider = new sst.Linkable("PaymentProvider", {
  properties: { url: sandbox.url, auth: "iam" },
  include: [
    sst.aws.permission({
      // Since October 2025 a function URL needs both actions.
      actions: ["lambda:InvokeFunctionUrl", "lambda:InvokeFunction"],
      resources: [sandbox.arn],
    }),
  ],
});
