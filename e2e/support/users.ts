import { resolve } from "node:path";

// The people the scenarios play. The local provider accepts any subject and
// groups at its login page; Cognito would have them as users.
export const users = {
  customer: { sub: "e2e-customer-ann", groups: [] as string[] },
  otherCustomer: { sub: "e2e-customer-ben", groups: [] as string[] },
  operator: { sub: "e2e-ops-olga", groups: ["ops"] },
  secondOperator: { sub: "e2e-ops-oscar", groups: ["ops"] },
} as const;

export type Role = keyof typeof users;

export const storageStateOf = (role: Role) => resolve(import.meta.dirname, `../.auth/${role}.json`);
