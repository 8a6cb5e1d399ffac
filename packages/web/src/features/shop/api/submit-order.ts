import { useMutation } from "@tanstack/react-query";
import { api, isApiError } from "../../../lib/api-client";
import type { Accepted, PlaceOrderBody } from "./types";

export interface SubmitOrder {
  body: PlaceOrderBody;
  /** One key per submission attempt: a retried request repeats it, a new attempt gets a new one. */
  idempotencyKey: string;
}

export const submitOrder = ({ body, idempotencyKey }: SubmitOrder) =>
  api<Accepted>("/orders", {
    method: "POST",
    body,
    headers: { "idempotency-key": idempotencyKey },
  });

export const useSubmitOrder = () =>
  useMutation({
    mutationFn: submitOrder,
    // Safe to retry: the same key makes the server return the first result.
    retry: (count, error) =>
      count < 2 && (!isApiError(error) || error.status === 0 || error.status >= 500),
  });
