// Brings AWS's DynamoDB Local (the Java engine) into .cache/dynamodb-local.
// The only npm package that ships it, amplify-dynamodb-simulator, drags in the
// Amplify CLI and aws-cdk-lib as dependencies; we only need its emulator/
// folder, so we `npm pack` the tarball (npm checks it against the registry's
// integrity hash) and extract that folder.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";

const VERSION = "2.9.30";
const root = resolve(import.meta.dirname, "..");
const target = join(root, ".cache", "dynamodb-local");
const marker = join(target, `.installed-${VERSION}`);

if (existsSync(marker)) process.exit(0);

const work = join(root, ".cache", `dynamodb-local-${process.pid}`);
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
console.log(
  `Fetching DynamoDB Local (amplify-dynamodb-simulator@${VERSION}) from the npm registry…`,
);
const tarball = execFileSync("npm", ["pack", `amplify-dynamodb-simulator@${VERSION}`, "--silent"], {
  cwd: work,
  encoding: "utf8",
}).trim();
execFileSync("tar", ["-xzf", tarball, "package/emulator"], { cwd: work });
const emulator = join(work, "package", "emulator");

rmSync(target, { recursive: true, force: true });
mkdirSync(join(root, ".cache"), { recursive: true });
renameSync(emulator, target);
rmSync(work, { recursive: true, force: true });
execFileSync("touch", [marker]);
console.log(`DynamoDB Local ready in ${target} (${readdirSync(target).length} entries)`);
