// Pipes' errors over the shared AWS error model (REST-JSON: the code in
// x-amzn-errortype, `message` in the body), as the Pipes API reference lists them.
import { AwsError } from "../../protocol";

export const validationError = (message: string) =>
  new AwsError("ValidationException", message, 400);

export const notFound = (name: string) =>
  new AwsError("NotFoundException", `Pipe ${name} does not exist.`, 404);

export const conflict = (message: string) => new AwsError("ConflictException", message, 409);
