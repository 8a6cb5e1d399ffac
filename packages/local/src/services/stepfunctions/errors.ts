// API errors use the shared AWS error model (src/protocol/errors.ts); the
// runtime's own errors travel through Retry/Catch.
import { AwsError } from "../../protocol";

export const apiError = (type: string, message: string) => new AwsError(type, message);

/** Error raised inside an execution; `name` is what Retry/Catch `ErrorEquals` match. */
export class StatesRuntimeError extends Error {
  constructor(
    name: string,
    readonly causeText: string,
  ) {
    super(causeText);
    this.name = name;
  }
}

/** Thrown inside a runner once its execution was stopped or the runtime closed. */
export class Halt extends Error {
  constructor() {
    super("halted");
    this.name = "Halt";
  }
}
