// Keys of the OrdersTable (single table: one partition per order).
//
//   pk = ORDER#<orderId>
//     sk = META     the order: status, lines, totals, reservation, approval,
//                   notifications sent, journal (the timeline's main source)
//     sk = PAYMENT  the payment worker's authorisation and the saga's capture /
//                   void / refund, with its own journal
//
// GSIs (topology: byStatus, byCustomer, byCorrelation), on META only:
//   gsi1pk = STATUS#<status>          gsi1sk = <statusEnteredAt>#<orderId>
//   gsi2pk = CUSTOMER#<customerId>    gsi2sk = <createdAt>#<orderId>
//   gsi3pk = CORRELATION#<id>         gsi3sk = ORDER#<orderId>
// Pending approvals are the byStatus partition STATUS#AWAITING_APPROVAL whose
// `approval.status` is PENDING, sorted by when they were requested (so by deadline).

export const orderPk = (orderId: string) => `ORDER#${orderId}`;
export const orderKey = (orderId: string) => ({ pk: orderPk(orderId), sk: "META" });
export const paymentKey = (orderId: string) => ({ pk: orderPk(orderId), sk: "PAYMENT" });

export const statusGsi = (status: string, enteredAt: string, orderId: string) => ({
  gsi1pk: `STATUS#${status}`,
  gsi1sk: `${enteredAt}#${orderId}`,
});
export const customerGsi = (customerId: string, createdAt: string, orderId: string) => ({
  gsi2pk: `CUSTOMER#${customerId}`,
  gsi2sk: `${createdAt}#${orderId}`,
});
export const correlationGsi = (correlationId: string, orderId: string) => ({
  gsi3pk: `CORRELATION#${correlationId}`,
  gsi3sk: `ORDER#${orderId}`,
});

export const indexes = {
  byStatus: "byStatus",
  byCustomer: "byCustomer",
  byCorrelation: "byCorrelation",
} as const;
