import { endpointMiddleware } from "../src/aws-endpoint/server";
import { type AwsServer, type AwsService, createDispatcher, startAwsServer } from "../src/protocol";

// A service's tests reach it as users do: over HTTP, through the protocol
// layer's dispatcher and the endpoint's middleware, with only that service in
// the dispatch table.
export function serveAwsServices(services: AwsService[], port = 0): Promise<AwsServer> {
  return startAwsServer(createDispatcher({ services, middleware: endpointMiddleware({}) }), port);
}
