import { createHttpNotificationProvider, type NotificationSender } from "@orders/core/notification";
import { Resource } from "./resource";
import { iamSignedFetch } from "./signed-fetch";

// The notification provider as the notifier reaches it: the HTTP adapter on
// the NotificationProvider link's url. On AWS that is a function URL with IAM
// auth (`auth: "iam"`): every request is SigV4-signed with the notifier's own
// role, which the link grants lambda:InvokeFunctionUrl on that one function.

let sender: NotificationSender | undefined;
export function notificationProvider(): NotificationSender {
  const link = Resource.NotificationProvider;
  sender ??= createHttpNotificationProvider({
    baseUrl: link.url,
    // Well inside the notifier's 10 s: a late answer fails the record, not the batch.
    timeoutMs: 5_000,
    ...(link.auth === "iam" ? { fetch: iamSignedFetch() } : {}),
  });
  return sender;
}
