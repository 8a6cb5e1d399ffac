import { env } from "../config/env";
import { currentAccessToken, userManager } from "./auth";

// One fetch for every endpoint: bearer token, JSON, and the API's error shape
// `{ code, message }` turned into an ApiError the UI can branch on.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export interface RequestOptions {
  method?: "GET" | "POST";
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal | undefined;
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const token = await currentAccessToken();
  let response: Response;
  try {
    response = await fetch(`${env.VITE_API_BASE}${path}`, {
      method: options.method ?? "GET",
      headers: {
        accept: "application/json",
        ...(options.body !== undefined ? { "content-type": "application/json" } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...options.headers,
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal ?? null,
    });
  } catch (error) {
    if ((error as Error).name === "AbortError") throw error;
    throw new ApiError(0, "NETWORK", "The API cannot be reached. Is the local cloud running?");
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    const error = (body ?? {}) as { code?: string; message?: string; details?: unknown };
    if (response.status === 401) await userManager.removeUser().catch(() => undefined);
    throw new ApiError(
      response.status,
      error.code ?? `HTTP_${response.status}`,
      error.message ?? (response.statusText || `Request failed (${response.status})`),
      error.details,
    );
  }
  return body as T;
}

export const isApiError = (error: unknown, status?: number): error is ApiError =>
  error instanceof ApiError && (status === undefined || error.status === status);
