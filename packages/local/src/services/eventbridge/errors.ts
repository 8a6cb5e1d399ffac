// AWS JSON 1.1 errors: `{"__type": "...", "message": "..."}` with HTTP 400.

export class EventBridgeApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = type;
  }
}

export const apiError = (type: string, message: string) => new EventBridgeApiError(type, message);

export const validationError = (message: string) => apiError("ValidationException", message);

export const notFound = (message: string) => apiError("ResourceNotFoundException", message);
