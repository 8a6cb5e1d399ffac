import { defineFunction } from "./functions";
import { tables } from "./storage";
import { functionsOf } from "./wiring";

// The sandbox payment provider: a service of its own (own ledger, own URL),
// standing in for a real PSP in test mode. Our functions reach it the way they
// would reach a real one, over HTTPS at `Resource.PaymentProvider.url`.

const [sandboxName] = functionsOf("payment-sandbox");
if (sandboxName !== "PaymentSandbox")
  throw new Error("the topology has no PaymentSandbox function");

export const sandbox = defineFunction(sandboxName, tables, { url: true });

export const paymentProvider = new sst.Linkable("PaymentProvider", {
  properties: { url: sandbox.url },
});
