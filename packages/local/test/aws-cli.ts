import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// The real AWS CLI (Debian's awscli: botocore, sharing no code with our SDK)
// against a local endpoint, for wire-protocol conformance tests. A missing CLI
// fails every call with a message, never a skip: a skipped conformance test
// would pass unnoticed.

export const AWS_CLI = "/usr/bin/aws";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface AwsCli {
  /** Runs `aws <args>`; never throws for a non-zero exit. */
  run(...args: string[]): Promise<CliResult>;
  /** `aws <args>` that must succeed; its JSON output. */
  json<T = Record<string, unknown>>(...args: string[]): Promise<T>;
  /** Removes the CLI's empty home. */
  close(): void;
}

const missing = () =>
  existsSync(AWS_CLI)
    ? undefined
    : `${AWS_CLI} is missing: these conformance tests run Debian's AWS CLI (apt package awscli). ` +
      "scripts/setup.sh installs it (CI runs that script); run it, or apt-get install awscli.";

export function awsCli(endpoint: () => string, region = "us-east-1", accessKeyId = "test"): AwsCli {
  // An empty home: no ~/.aws config or credentials of the machine leak into the CLI.
  const home = mkdtempSync(join(tmpdir(), "aws-cli-home-"));
  const run = (...args: string[]) => {
    const why = missing();
    if (why) return Promise.reject(new Error(why));
    return new Promise<CliResult>((resolve, reject) => {
      execFile(
        AWS_CLI,
        ["--endpoint-url", endpoint(), "--output", "json", ...args],
        {
          timeout: 20_000,
          env: {
            PATH: process.env.PATH ?? "/usr/bin:/bin",
            HOME: home,
            LANG: "C.UTF-8",
            // The local cloud reads who calls from the access key id (fn<Function> keys: IAM).
            AWS_ACCESS_KEY_ID: accessKeyId,
            AWS_SECRET_ACCESS_KEY: "test",
            AWS_DEFAULT_REGION: region,
            AWS_PAGER: "",
            AWS_CONFIG_FILE: join(home, "config"),
            AWS_SHARED_CREDENTIALS_FILE: join(home, "credentials"),
            AWS_MAX_ATTEMPTS: "1",
            AWS_EC2_METADATA_DISABLED: "true",
          },
        },
        (err, stdout, stderr) => {
          if (err && typeof err.code !== "number") return reject(err); // not started, or killed
          resolve({ code: err ? (err.code as number) : 0, stdout, stderr });
        },
      );
    });
  };
  return {
    run,
    async json<T>(...args: string[]) {
      const out = await run(...args);
      if (out.code !== 0) {
        throw new Error(`aws ${args.slice(0, 2).join(" ")} exited ${out.code}: ${out.stderr}`);
      }
      return (out.stdout.trim() ? JSON.parse(out.stdout) : {}) as T;
    },
    close: () => rmSync(home, { recursive: true, force: true }),
  };
}
