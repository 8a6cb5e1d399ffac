// ARN shapes of every service the local cloud serves, in one place: the
// services hand them out, the dispatcher's IAM declarations authorise on them.

export interface Scope {
  region: string;
  accountId: string;
}

/** `arn:aws:<service>:<region>:<account>:<resource>`. */
export const arn = (service: string, s: Scope, resource: string) =>
  `arn:aws:${service}:${s.region}:${s.accountId}:${resource}`;

export interface ParsedArn {
  partition: string;
  service: string;
  region: string;
  accountId: string;
  resource: string;
}

export function parseArn(value: string): ParsedArn | undefined {
  const m = /^arn:(aws[a-z-]*):([a-z0-9-]+):([a-z0-9-]*):(\d{12}|):(.+)$/.exec(value);
  if (!m) return undefined;
  return { partition: m[1]!, service: m[2]!, region: m[3]!, accountId: m[4]!, resource: m[5]! };
}

/** The AWS service of an ARN (`sqs`, `sns`, `states`, `lambda`, …). */
export const serviceOf = (value: string) => value.split(":")[2] ?? "";

// EventBridge: the default bus keeps the short rule ARN form.
export const eventBusArn = (s: Scope, bus: string) => arn("events", s, `event-bus/${bus}`);
export const ruleArn = (s: Scope, bus: string, rule: string) =>
  arn("events", s, bus === "default" ? `rule/${rule}` : `rule/${bus}/${rule}`);
export const archiveArn = (s: Scope, name: string) => arn("events", s, `archive/${name}`);
export const replayArn = (s: Scope, name: string) => arn("events", s, `replay/${name}`);

/** `EventBusName` may be a name or a bus ARN. */
export function busNameOf(nameOrArn: string | undefined): string {
  if (!nameOrArn) return "default";
  const m = /^arn:aws[\w-]*:events:[^:]*:[^:]*:event-bus\/(.+)$/.exec(nameOrArn);
  return m ? m[1]! : nameOrArn;
}

// Step Functions.
export const stateMachineArn = (s: Scope, name: string) => arn("states", s, `stateMachine:${name}`);
export const executionArn = (s: Scope, machine: string, name: string) =>
  arn("states", s, `execution:${machine}:${name}`);
/** The state machine an execution ARN belongs to. */
export function machineOfExecution(value: string): string | undefined {
  const m = /^(arn:aws[a-z-]*:states:[^:]*:[^:]*):execution:([^:]+):[^:]+$/.exec(value);
  return m ? `${m[1]}:stateMachine:${m[2]}` : undefined;
}

// The rest: what the IAM declarations name.
export const logGroupArn = (s: Scope, group: string) => arn("logs", s, `log-group:${group}`);
export const tableArn = (s: Scope, table: string) => arn("dynamodb", s, `table/${table}`);
export const indexArn = (s: Scope, table: string, index: string) =>
  arn("dynamodb", s, `table/${table}/index/${index}`);
export const queueArn = (s: Scope, queue: string) => arn("sqs", s, queue);
export const topicArn = (s: Scope, topic: string) => arn("sns", s, topic);
export const functionArn = (s: Scope, name: string) => arn("lambda", s, `function:${name}`);

/** The queue ARN a QueueUrl names (`http://host/<account>/<name>`). */
export function queueArnOfUrl(s: Scope, url: string): string | undefined {
  const m = /\/(\d{12})\/([^/?]+)\/?$/.exec(url.split("?")[0]!);
  return m ? arn("sqs", { region: s.region, accountId: m[1]! }, m[2]!) : undefined;
}
