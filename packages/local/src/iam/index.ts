// IAM enforced by the local cloud (issue #19): the graph's policies evaluated
// for every call through :4566 (`authorizer`) and every in-process delivery
// (`check`), each allowed (principal, action, resource) recorded for
// `pnpm iam:report`.
export {
  createIam,
  type Decision,
  type Iam,
  type IamOptions,
  type RequestContext,
} from "./evaluate";
export {
  type FunctionIdentity,
  type GraphPolicies,
  type GraphResource,
  type NamedPolicy,
  type PolicyDocument,
  policiesOf,
  type Statement,
} from "./policies";
export {
  adminArn,
  keyForFunction,
  keyForRole,
  keyForService,
  type Principal,
  principalResolver,
  sessionArn,
} from "./principals";
