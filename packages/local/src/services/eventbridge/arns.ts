// ARN shapes EventBridge uses; the default bus keeps the short rule ARN form.

export interface Scope {
  region: string;
  accountId: string;
}

const base = (s: Scope) => `arn:aws:events:${s.region}:${s.accountId}`;

export const busArn = (s: Scope, bus: string) => `${base(s)}:event-bus/${bus}`;

export const ruleArn = (s: Scope, bus: string, rule: string) =>
  bus === "default" ? `${base(s)}:rule/${rule}` : `${base(s)}:rule/${bus}/${rule}`;

export const archiveArn = (s: Scope, name: string) => `${base(s)}:archive/${name}`;

export const replayArn = (s: Scope, name: string) => `${base(s)}:replay/${name}`;

/** `EventBusName` may be a name or a bus ARN. */
export function busNameOf(nameOrArn: string | undefined): string {
  if (!nameOrArn) return "default";
  const m = /^arn:aws[\w-]*:events:[^:]*:[^:]*:event-bus\/(.+)$/.exec(nameOrArn);
  return m ? m[1]! : nameOrArn;
}

/** The AWS service of a target ARN (`sqs`, `sns`, `states`, `lambda`, …). */
export const serviceOf = (arn: string) => arn.split(":")[2] ?? "";
