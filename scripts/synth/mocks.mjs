// Pulumi mocks for the offline synth: what AWS would answer when a resource is
// created (ids, ARNs, URLs, generated names) and when a data source is read,
// for one fixed account and region. Everything is derived from the resource's
// name, so two runs give the same graph and its ARNs can be the local cloud's.
import { createHash } from "node:crypto";

/** A stable pseudo-random string for `seed`: hex, or lowercase letters and digits. */
export function stableId(seed, length, alphabet = "0123456789abcdefghijklmnopqrstuvwxyz") {
  const bytes = createHash("sha256").update(seed).digest();
  let out = "";
  for (let i = 0; out.length < length; i++)
    out += alphabet[bytes[i % bytes.length] % alphabet.length];
  return out;
}

/** Renders `aws.iam.getPolicyDocument` arguments as the provider does: real IAM JSON. */
export function renderPolicyDocument(inputs) {
  const one = (values) => (values.length === 1 ? values[0] : values);
  const statements = (inputs.statements ?? []).map((s) => {
    const out = {};
    if (s.sid) out.Sid = s.sid;
    out.Effect = s.effect ?? "Allow";
    if (s.actions?.length) out.Action = one(s.actions);
    if (s.notActions?.length) out.NotAction = one(s.notActions);
    if (s.resources?.length) out.Resource = one(s.resources);
    if (s.notResources?.length) out.NotResource = one(s.notResources);
    for (const [key, list] of [
      ["Principal", s.principals],
      ["NotPrincipal", s.notPrincipals],
    ]) {
      if (!list?.length) continue;
      out[key] = {};
      for (const p of list) {
        const ids = [...(out[key][p.type] ? [out[key][p.type]].flat() : []), ...p.identifiers];
        out[key][p.type] = one(ids);
      }
    }
    if (s.conditions?.length) {
      out.Condition = {};
      for (const c of s.conditions) {
        out.Condition[c.test] ??= {};
        out.Condition[c.test][c.variable] = one(c.values);
      }
    }
    return out;
  });
  const doc = { Version: inputs.version ?? "2012-10-17", Statement: statements };
  if (inputs.policyId) doc.Id = inputs.policyId;
  return doc;
}

/**
 * @param {{ account: string, region: string }} env
 * @returns the `pulumi.runtime.Mocks` object, plus `unknownCalls` (tokens it
 *   could not answer: the synth fails on any).
 */
export function createMocks({ account, region }) {
  const unknownCalls = [];
  const arn = (service, resource, { global = false } = {}) =>
    `arn:aws:${service}:${global ? "" : region}:${global ? (service === "s3" ? "" : account) : account}:${resource}`;

  /** What AWS (or the provider's auto-naming) would add to a resource's inputs, by type. */
  function outputsFor(type, name, inputs) {
    // Auto-naming: Pulumi appends a random suffix to the logical name.
    const named =
      inputs.name ?? `${name}-${stableId(`name:${type}:${name}`, 7, "0123456789abcdef")}`;
    const hex = (length) => stableId(`${type}:${name}`, length, "0123456789abcdef");
    // A v4-shaped UUID from the resource (or `seed`), as Lambda and CloudFront give.
    const uuid = (seed = `${type}:${name}`) => {
      const h = createHash("sha256").update(seed).digest("hex");
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
    };
    switch (type) {
      case "aws:sqs/queue:Queue": {
        const url = `https://sqs.${region}.amazonaws.com/${account}/${named}`;
        return { id: url, name: named, arn: arn("sqs", named), url };
      }
      case "aws:lambda/function:Function": {
        const fnArn = arn("lambda", `function:${named}`);
        return {
          id: named,
          name: named,
          arn: fnArn,
          qualifiedArn: `${fnArn}:$LATEST`,
          invokeArn: `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${fnArn}/invocations`,
          version: "$LATEST",
        };
      }
      case "aws:lambda/functionUrl:FunctionUrl": {
        const id = stableId(`url:${name}`, 32);
        return {
          id,
          urlId: id,
          functionUrl: `https://${id}.lambda-url.${region}.on.aws/`,
          functionArn: arn("lambda", `function:${inputs.functionName}`),
        };
      }
      case "aws:lambda/eventSourceMapping:EventSourceMapping": {
        const id = uuid();
        return { id, uuid: id, arn: arn("lambda", `event-source-mapping:${id}`) };
      }
      case "aws:dynamodb/table:Table": {
        const tableArn = arn("dynamodb", `table/${named}`);
        return {
          id: named,
          name: named,
          arn: tableArn,
          ...(inputs.streamEnabled
            ? {
                streamArn: `${tableArn}/stream/2026-01-01T00:00:00.000`,
                streamLabel: "2026-01-01T00:00:00.000",
              }
            : {}),
        };
      }
      case "aws:iam/role:Role":
        return {
          id: named,
          name: named,
          arn: arn("iam", `role/${named}`, { global: true }),
          uniqueId: `AROA${stableId(name, 17, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")}`,
        };
      case "aws:iam/policy:Policy":
        return {
          id: arn("iam", `policy/${named}`, { global: true }),
          name: named,
          arn: arn("iam", `policy/${named}`, { global: true }),
        };
      case "aws:cloudwatch/eventBus:EventBus":
        return { id: named, name: named, arn: arn("events", `event-bus/${named}`) };
      case "aws:cloudwatch/eventRule:EventRule": {
        const bus = inputs.eventBusName ?? "default";
        return {
          id: `${bus}|${named}`,
          name: named,
          arn: arn("events", bus === "default" ? `rule/${named}` : `rule/${bus}/${named}`),
        };
      }
      case "aws:cloudwatch/eventArchive:EventArchive":
        return { id: named, name: named, arn: arn("events", `archive/${named}`) };
      case "aws:cloudwatch/logGroup:LogGroup":
        return { id: named, name: named, arn: arn("logs", `log-group:${named}`) };
      case "aws:cloudwatch/metricAlarm:MetricAlarm":
        return { id: named, name: named, arn: arn("cloudwatch", `alarm:${named}`) };
      case "aws:sns/topic:Topic":
        return { id: arn("sns", named), name: named, arn: arn("sns", named) };
      case "aws:sns/topicSubscription:TopicSubscription": {
        const subArn = `${inputs.topic}:${uuid()}`;
        return { id: subArn, arn: subArn };
      }
      case "aws:sfn/stateMachine:StateMachine":
        return {
          id: arn("states", `stateMachine:${named}`),
          name: named,
          arn: arn("states", `stateMachine:${named}`),
        };
      case "aws:apigatewayv2/api:Api": {
        const id = stableId(`api:${name}`, 10);
        return {
          id,
          apiEndpoint: `https://${id}.execute-api.${region}.amazonaws.com`,
          executionArn: arn("execute-api", id),
          arn: `arn:aws:apigateway:${region}::/apis/${id}`,
        };
      }
      case "aws:cloudfront/distribution:Distribution": {
        const id = `E${stableId(`cf:${name}`, 13, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")}`;
        return {
          id,
          arn: arn("cloudfront", `distribution/${id}`, { global: true }),
          domainName: `d${stableId(`cfd:${name}`, 13)}.cloudfront.net`,
          hostedZoneId: "Z2FDTNDATAQYW2",
          etag: hex(14).toUpperCase(),
        };
      }
      case "aws:cloudfront/keyValueStore:KeyValueStore": {
        return {
          id: named,
          name: named,
          arn: arn("cloudfront", `key-value-store/${uuid()}`, { global: true }),
          etag: hex(14).toUpperCase(),
        };
      }
      case "aws:cloudfront/function:Function":
        return {
          id: named,
          name: named,
          arn: arn("cloudfront", `function/${named}`, { global: true }),
          etag: hex(14).toUpperCase(),
          liveStageEtag: hex(14).toUpperCase(),
        };
      case "aws:cognito/userPool:UserPool": {
        const id = `${region}_${stableId(`pool:${name}`, 9, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")}`;
        return {
          id,
          arn: arn("cognito-idp", `userpool/${id}`),
          endpoint: `cognito-idp.${region}.amazonaws.com/${id}`,
        };
      }
      case "aws:cognito/userPoolClient:UserPoolClient":
        return { id: stableId(`client:${name}`, 26) };
      case "aws:s3/bucketV2:BucketV2":
      case "aws:s3/bucket:Bucket": {
        const bucket =
          inputs.bucket ?? `${name.toLowerCase().replace(/[^a-z0-9-]/g, "")}-${hex(8)}`;
        return {
          id: bucket,
          bucket,
          arn: `arn:aws:s3:::${bucket}`,
          bucketDomainName: `${bucket}.s3.amazonaws.com`,
          bucketRegionalDomainName: `${bucket}.s3.${region}.amazonaws.com`,
          region,
        };
      }
      case "random:index/randomBytes:RandomBytes": {
        const bytes = createHash("sha256")
          .update(`bytes:${name}`)
          .digest()
          .subarray(0, inputs.length ?? 32);
        return {
          id: bytes.toString("base64"),
          base64: bytes.toString("base64"),
          hex: bytes.toString("hex"),
        };
      }
      default: {
        // Anything else: an id from its name; an ARN only where AWS gives one
        // is added above, so a test that needs one shows up as undefined here.
        return { id: `${named}` };
      }
    }
  }

  const calls = {
    "aws:index/getCallerIdentity:getCallerIdentity": () => ({
      accountId: account,
      arn: `arn:aws:iam::${account}:user/synth`,
      userId: "AIDASYNTH",
      id: account,
    }),
    "aws:index/getRegion:getRegion": () => ({
      id: region,
      name: region,
      region,
      endpoint: `ec2.${region}.amazonaws.com`,
      description: "US East (N. Virginia)",
    }),
    "aws:index/getPartition:getPartition": () => ({
      id: "aws",
      partition: "aws",
      dnsSuffix: "amazonaws.com",
      reverseDnsPrefix: "com.amazonaws",
    }),
    "aws:iam/getPolicyDocument:getPolicyDocument": (inputs) => {
      const doc = renderPolicyDocument(inputs);
      return {
        ...inputs,
        id: stableId(JSON.stringify(doc), 10),
        json: JSON.stringify(doc, null, 2),
        minifiedJson: JSON.stringify(doc),
      };
    },
  };

  /** What each resource got from the mocks, by `type::name`: the graph's `outputs`. */
  const returned = new Map();
  return {
    unknownCalls,
    returned,
    mocks: {
      newResource(args) {
        if (!args.custom) return { id: undefined, state: {} };
        const outputs = outputsFor(args.type, args.name, args.inputs);
        returned.set(`${args.type}::${args.name}`, outputs);
        return { id: outputs.id, state: { ...args.inputs, ...outputs } };
      },
      call(args) {
        const answer = calls[args.token];
        if (!answer) {
          unknownCalls.push(args.token);
          throw new Error(`synth mocks: no answer for data source ${args.token}`);
        }
        return answer(args.inputs);
      },
    },
  };
}
