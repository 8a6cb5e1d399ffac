import { retryable, StepInput } from "@orders/core/saga";
import type { Context } from "aws-lambda";
import { instrumented, logger, startInvocation, tracer } from "./observability";

// Every saga step the same way: parse the ASL payload, tag logs with the
// correlation id, turn AWS hiccups into TransientError (retried by the ASL),
// and let business errors out under their own names (caught → compensation).

export function sagaStep<T>(step: string, run: (input: StepInput) => Promise<T>) {
  return async (event: unknown, context?: Context): Promise<T> => {
    const input = StepInput.parse(event);
    startInvocation(context, input.correlationId);
    logger.appendKeys({
      order_id: input.orderId,
      saga_step: step,
      execution_arn: input.executionArn,
    });
    tracer.putAnnotation("orderId", input.orderId);
    return instrumented(async () => {
      try {
        const result = await retryable(() => run(input));
        logger.info(`${step} done`, { result: result as Record<string, unknown> });
        return result;
      } catch (error) {
        logger.warn(`${step} failed`, { error: error as Error });
        throw error;
      }
    });
  };
}
