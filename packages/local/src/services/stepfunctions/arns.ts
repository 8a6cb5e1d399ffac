// The ARNs and names Step Functions accepts (their shapes: src/protocol/arns.ts).
import { apiError } from "./errors";

const NAME = /^[A-Za-z0-9_-]{1,80}$/;

export const isValidName = (name: unknown): name is string =>
  typeof name === "string" && NAME.test(name);

/** Validates an ARN argument; AWS answers `InvalidArn` before looking anything up. */
export function requireArn(value: unknown, kind: "stateMachine" | "execution", field: string) {
  if (typeof value !== "string" || value.length === 0) {
    throw apiError("ValidationException", `Value for ${field} must not be null`);
  }
  const parts = value.split(":");
  const ok =
    parts[0] === "arn" &&
    parts[2] === "states" &&
    parts[5] === kind &&
    parts.length === (kind === "stateMachine" ? 7 : 8) &&
    parts.slice(6).every((p) => p.length > 0);
  if (!ok) throw apiError("InvalidArn", `Invalid Arn: '${value}'`);
  return value;
}

export const isRoleArn = (value: unknown): value is string =>
  typeof value === "string" && /^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/.test(value);
