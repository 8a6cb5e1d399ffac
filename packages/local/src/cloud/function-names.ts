import { app } from "@orders/core/topology";
import { STAGE } from "../config";

// What SST 4 names a function on AWS, for the local cloud's log groups: the
// admin API finds its functions' logs by SST's prefix
// (`/aws/lambda/<app>-<stage>-`), so locally the groups must carry it too.
// SST's physicalName(64, `${name}Function`) is `<app>-<stage>-<name>Function`
// plus `-<8 random characters>`; the local cloud has no random suffix.

/** `Ingress` → `orders-local-IngressFunction` (SST's prefixName, without the random suffix). */
export const physicalFunctionName = (name: string) =>
  `${app.name}-${STAGE}-${name.replace(/[^a-zA-Z0-9]/g, "")}Function`;

/** The log group SST creates for a function: `/aws/lambda/<physical name>`. */
export const functionLogGroup = (name: string) => `/aws/lambda/${physicalFunctionName(name)}`;
