// EventBridge's error helpers over the shared AWS error model (src/protocol/errors.ts).
import { AwsError } from "../../protocol";

export const apiError = (type: string, message: string) => new AwsError(type, message);

export const validationError = (message: string) => apiError("ValidationException", message);

export const notFound = (message: string) => apiError("ResourceNotFoundException", message);

export const invalidNextToken = () => validationError("The NextToken provided is not valid.");
