import { z } from "zod";

// Events reach the notification queues through SNS. With raw message delivery
// the body is the EventBridge event itself; without it (or in a message a
// tool re-published) SNS wraps it in its envelope, the event JSON in
// `Message`. Every reader of our queue bodies unwraps it here.

/** The SNS notification envelope, the fields we read. */
export const SnsEnvelope = z.looseObject({ Type: z.literal("Notification"), Message: z.string() });
export type SnsEnvelope = z.infer<typeof SnsEnvelope>;

/**
 * The message inside an SNS envelope, parsed; any other value as it is (raw
 * delivery). An envelope whose Message is not JSON stays the envelope.
 */
export function unwrapSns(value: unknown): unknown {
  const envelope = SnsEnvelope.safeParse(value);
  if (!envelope.success) return value;
  try {
    return JSON.parse(envelope.data.Message);
  } catch {
    return value;
  }
}
