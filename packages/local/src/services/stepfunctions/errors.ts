// AWS JSON 1.0 errors: `{"__type": "...", "message": "..."}` with HTTP 400.

export class SfnApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = type;
  }
}

export const apiError = (type: string, message: string) => new SfnApiError(type, message);

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
