// Who an emulated service calls AWS as when it acts for someone: EventBridge
// for a rule or a target's role, Step Functions for a state machine's role.
// The endpoint's IAM reads the caller from the access key id, so each
// principal gets SDK clients of its own.

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** The process's own credentials: the account's administrator unless the environment names a function. */
export const processCredentials = (): Credentials => ({
  accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? "local",
  secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? "local",
});

/** SDK clients made on first use for each access key, kept for the next call as that principal. */
export function clientsPerKey<T>(make: (credentials: Credentials) => T) {
  const made = new Map<string, T>();
  return {
    of(credentials: Credentials): T {
      const known = made.get(credentials.accessKeyId);
      if (known) return known;
      const created = make(credentials);
      made.set(credentials.accessKeyId, created);
      return created;
    },
    /** Every set made so far (to destroy them). */
    all: (): T[] => [...made.values()],
  };
}
