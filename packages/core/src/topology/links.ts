import type { LinkName } from "./resources";

// What `Resource.<Name>` holds at run time for each link, as SST's components
// expose it (Dynamo → name, Queue → url, SnsTopic → arn, Bus → name + arn) and
// as the local cloud injects it through `SST_RESOURCE_<Name>` env vars.
export interface LinkProperties {
  OrdersTable: { name: string };
  InventoryTable: { name: string };
  IdempotencyTable: { name: string };
  PaymentLedgerTable: { name: string };
  NotificationLedgerTable: { name: string };
  Bus: { name: string; arn: string };
  NotificationsTopic: { arn: string };
  FulfillmentSaga: { arn: string; name: string };
  /**
   * The saga's callbacks only: SendTaskSuccess/Failure and reading an
   * execution's history (ApprovalCallbacks), none of FulfillmentSaga's start/stop.
   */
  SagaCallbacks: { arn: string };
  /** `auth: "iam"`: the URL wants SigV4-signed requests (a Lambda function URL with IAM auth). */
  PaymentProvider: { url: string; auth?: "iam" };
  NotificationProvider: { url: string; auth?: "iam" };
  OrderPolicy: {
    approvalThresholdCents: number;
    maxLinesPerOrder: number;
    maxQuantityPerLine: number;
  };
  Auth: { operatorGroup: string; issuer: string; clientId: string };
}

export type QueueLink = { url: string; arn: string };

export type ResourceLinks = {
  [K in LinkName]: K extends keyof LinkProperties ? LinkProperties[K] : QueueLink;
};
