import { AwsClient } from "aws4fetch";

// How our functions call a Lambda function URL with IAM auth (the sandbox
// payment and notification providers on AWS): SigV4 with the calling
// function's own role, which its link grants lambda:InvokeFunctionUrl on that
// one function.

/** fetch, SigV4-signed for a Lambda function URL with the role's credentials from the environment. */
export const iamSignedFetch = (env: NodeJS.ProcessEnv = process.env): typeof fetch => {
  return async (input, init) => {
    const signer = new AwsClient({
      accessKeyId: env.AWS_ACCESS_KEY_ID ?? "",
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? "",
      ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
      service: "lambda",
      ...(env.AWS_REGION ? { region: env.AWS_REGION } : {}),
      retries: 0, // retrying is the circuit breaker's and the queue's job, not the signer's
    });
    return fetch(await signer.sign(input instanceof URL ? input.href : input, init));
  };
};
