// The order: request validation, pricing and flagging, idempotent acceptance,
// the status state machine, and its DynamoDB adapter.
//
// DynamoDB write budget (≤ 15 per fulfilled order). Item writes to our tables
// for a fulfilled single-line order, in order of occurrence:
//
//   ingress            1  PutItem META (journal: ACCEPTED)
//   payment worker     2  Powertools idempotency record: put IN_PROGRESS, update COMPLETED
//                      1  PutItem PAYMENT (journal: PAYMENT_AUTHORISED)
//   claim-order        1  UpdateItem META → PROCESSING (journal: ROUTED, SAGA_STARTED)
//   reserve-inventory  2  TransactWriteItems: 1 stock Update per line + META reservation
//   capture-payment    1  UpdateItem PAYMENT → CAPTURED
//   complete-order     1  UpdateItem META → FULFILLED, reservation SHIPPED
//   notifier           3  UpdateItem META per notification: email ACCEPTED,
//                         email FULFILLED, sms FULFILLED
//                     ──
//                     12  (+1 per additional order line)
//
//   flagged orders add 3: approvals worker (META → AWAITING_APPROVAL + approval),
//   the operator's decision (META → APPROVED), email AWAITING_APPROVAL → 15.
//
// The stream publisher writes nothing (it only reads the stream and puts
// events). Journal entries ride in the state change's own write, never a write
// of their own. Not counted: the sandbox providers' ledgers (their own
// services' tables: payments 3 writes per authorisation, 2 per capture;
// notifications 3 per delivery, 1 per request it answers again), as a real
// provider's would not be.

export * from "./identity";
export * from "./keys";
export * from "./place-order";
export * from "./pricing";
export * from "./repository";
export * from "./schema";
export * from "./status";
export * from "./view";
