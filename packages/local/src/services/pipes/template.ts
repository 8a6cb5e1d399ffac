// Pipes' input transformation (InputTemplate of the enrichment and the target),
// applied to each record of a batch on its own, as AWS documents it
// (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-input-transformation.html):
// `<$.json.path>` names a value of the record, `<aws.pipes.*>` a reserved
// variable. In a JSON template a value inside quotes is inserted as text,
// outside them as JSON; a text template gets the value's text. An SQS record's
// body that is JSON is addressed as JSON (`<$.body.orderId>`).
import { validationError } from "./errors";

export interface TemplateContext {
  pipeArn: string;
  pipeName: string;
  sourceArn: string;
  enrichmentArn?: string;
  targetArn: string;
  /** Epoch ms the record entered the pipe. */
  ingestionTime: number;
}

const PLACEHOLDER = /<(\$(?:\.[A-Za-z0-9_-]+|\[\d+\])*|aws\.pipes\.[a-z.-]+)>/g;
const RESERVED = new Set([
  "aws.pipes.pipe-arn",
  "aws.pipes.pipe-name",
  "aws.pipes.source-arn",
  "aws.pipes.enrichment-arn",
  "aws.pipes.target-arn",
  "aws.pipes.event.ingestion-time",
  "aws.pipes.event",
  "aws.pipes.event.json",
]);

/** Rejects a template naming a variable Pipes does not have (CreatePipe's ValidationException). */
export function validateTemplate(template: string, field: string) {
  for (const m of template.matchAll(PLACEHOLDER)) {
    const name = m[1]!;
    if (!name.startsWith("$") && !RESERVED.has(name))
      throw validationError(`${field} references an unknown variable <${name}>.`);
  }
}

export function valueAt(record: unknown, path: string): unknown {
  let value = record;
  for (const step of path.slice(1).match(/\.[A-Za-z0-9_-]+|\[\d+\]/g) ?? []) {
    if (value === null || typeof value !== "object") return undefined;
    const key = step.startsWith(".") ? step.slice(1) : Number(step.slice(1, -1));
    value = (value as Record<string | number, unknown>)[key];
  }
  return value;
}

/** The record as paths see it: an SQS body holding JSON is JSON. */
export function addressable(record: unknown): unknown {
  if (
    record &&
    typeof record === "object" &&
    typeof (record as { body?: unknown }).body === "string" &&
    (record as { receiptHandle?: unknown }).receiptHandle !== undefined
  ) {
    try {
      return { ...record, body: JSON.parse((record as { body: string }).body) };
    } catch {
      return record;
    }
  }
  return record;
}

/** The transformed record: parsed JSON when the result is JSON, else the text. */
export function applyTemplate(template: string, record: unknown, ctx: TemplateContext): unknown {
  const json = /^\s*[[{]/.test(template);
  const view = addressable(record);
  const reserved = (name: string): unknown => {
    switch (name) {
      case "aws.pipes.pipe-arn":
        return ctx.pipeArn;
      case "aws.pipes.pipe-name":
        return ctx.pipeName;
      case "aws.pipes.source-arn":
        return ctx.sourceArn;
      case "aws.pipes.enrichment-arn":
        return ctx.enrichmentArn ?? "";
      case "aws.pipes.target-arn":
        return ctx.targetArn;
      case "aws.pipes.event.ingestion-time":
        return new Date(ctx.ingestionTime).toISOString();
      case "aws.pipes.event":
        return JSON.stringify(record);
      default:
        return record;
    }
  };
  let out = "";
  let inString = false;
  let last = 0;
  for (const m of template.matchAll(PLACEHOLDER)) {
    const before = template.slice(last, m.index);
    // Whether the placeholder sits inside a JSON string literal.
    for (let i = 0; i < before.length; i++) {
      if (before[i] === "\\") i++;
      else if (before[i] === '"') inString = !inString;
    }
    out += before;
    last = m.index + m[0].length;
    const name = m[1]!;
    const value = name.startsWith("$") ? valueAt(view, name) : reserved(name);
    const text = typeof value === "string" ? value : JSON.stringify(value ?? null);
    if (!json) out += text;
    else if (inString) out += JSON.stringify(text).slice(1, -1);
    else out += JSON.stringify(value ?? null);
  }
  out += template.slice(last);
  if (!json) return out;
  try {
    return JSON.parse(out);
  } catch {
    return out;
  }
}

const DYNAMIC = /^\$(?:\.[A-Za-z0-9_/-]+|\[\d+\])+$/;

/**
 * A target parameter's value for one event: a value that is wholly a JSON path
 * (`$.detail.state`) is read from the event (not from what the InputTemplate made
 * of it), anything else is static. "Dynamic path parameters" in the Pipes user guide
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-event-target.html).
 */
export function dynamicParameter(value: string | undefined, event: unknown): string | undefined {
  if (value === undefined || !DYNAMIC.test(value)) return value;
  const found = valueAt(addressable(event), value);
  if (found === undefined || found === null) return undefined;
  return typeof found === "string" ? found : JSON.stringify(found);
}
