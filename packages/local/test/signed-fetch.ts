import { iamSignedFetch } from "@orders/functions/lib/signed-fetch";
import { REGION } from "../src/config";

// The sandbox providers' function URLs have IAM auth (as deployed): a test
// reads their ledgers as the account's administrator, SigV4-signed like any
// caller. Any access key that names no function is the administrator.
export const adminFetch = iamSignedFetch({
  AWS_ACCESS_KEY_ID: "local",
  AWS_SECRET_ACCESS_KEY: "local",
  AWS_REGION: REGION,
});
