// Both engines in a process of their own, for the SIGKILL tests:
// `node --import tsx engines/kill-child.ts <dataDir>` prints
// `READY <dynamodbPort> <sqsSnsPort> <javaPid>` once both answer.
import { startDynamoDb } from "../../src/engines/dynamodb";
import { startSqsSns } from "../../src/engines/sqs-sns";

const [dataDir] = process.argv.slice(2) as [string];
const sqs = await startSqsSns({ dataDir });
const ddb = await startDynamoDb({ dataDir });
process.stdout.write(`READY ${ddb.port} ${sqs.port} ${ddb.pid}\n`);
