// Pattern conformance table, taken from the EventBridge user guide ("Content filtering",
// "Comparison operators", "Arrays", "Null values and empty strings") and the examples of
// aws/event-ruler's README. Shared by the unit test, the TestEventPattern API test and the
// PutEvents → rule → SQS delivery test, so the same table is checked at every layer.

export interface PatternCase {
  name: string;
  /** The AWS documentation page the case comes from. */
  doc: string;
  pattern: Record<string, unknown>;
  /** Merged over the envelope and `detail` of the sample event. */
  event: { detail?: Record<string, unknown>; [field: string]: unknown };
  match: boolean;
}

/** The sample event of the docs (EC2 state change). */
export const sampleEvent = {
  version: "0",
  id: "ddddd4-aaaa-7777-4444-345dd43cc333",
  "detail-type": "EC2 Instance State-change Notification",
  source: "aws.ec2",
  account: "012345679012",
  time: "2017-10-02T16:24:49Z",
  region: "us-east-1",
  resources: ["arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000"],
  detail: {
    "c-count": 5,
    "d-count": 3,
    "x-limit": 301.8,
    "source-ip": "10.0.0.33",
    "instance-id": "i-000000aaaaaa00000",
    state: "running",
  },
};

export function eventFor(c: PatternCase): Record<string, unknown> {
  const { detail, ...envelope } = c.event;
  return { ...sampleEvent, ...envelope, detail: detail ?? sampleEvent.detail };
}

const GUIDE = "https://docs.aws.amazon.com/eventbridge/latest/userguide/";
const PATTERNS = `${GUIDE}eb-event-patterns.html`;
const OPS = `${GUIDE}eb-create-pattern-operators.html`;
const ARRAYS = `${GUIDE}eb-event-patterns-arrays.html`;
const NULLS = `${GUIDE}eb-event-patterns-null-values.html`;

const d = (detail: Record<string, unknown>) => ({ detail });

export const patternCases: PatternCase[] = [
  // Equals, And, arrays
  {
    name: "simple match on detail-type, resources and a value list",
    doc: PATTERNS,
    pattern: {
      "detail-type": ["EC2 Instance State-change Notification"],
      resources: ["arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000"],
      detail: { state: ["initializing", "running"] },
    },
    event: {},
    match: true,
  },
  {
    name: "simple match fails when one ANDed field differs",
    doc: PATTERNS,
    pattern: { source: ["aws.ec2"], detail: { state: ["initializing", "stopped"] } },
    event: {},
    match: false,
  },
  {
    name: "And: Location and Day",
    doc: OPS,
    pattern: { detail: { Location: ["New York"], Day: ["Monday"] } },
    event: d({ Location: "New York", Day: "Monday" }),
    match: true,
  },
  {
    name: "And: Location matches but Day does not",
    doc: OPS,
    pattern: { detail: { Location: ["New York"], Day: ["Monday"] } },
    event: d({ Location: "New York", Day: "Tuesday" }),
    match: false,
  },
  {
    name: "event array: intersection with the pattern array is non-empty",
    doc: ARRAYS,
    pattern: {
      resources: [
        "arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f",
        "arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f",
      ],
    },
    event: {
      resources: [
        "arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b:autoScalingGroupName/ASGTerminate",
        "arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f",
      ],
    },
    match: true,
  },
  {
    name: "event array: empty intersection",
    doc: ARRAYS,
    pattern: { resources: ["arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f"] },
    event: { resources: ["arn:aws:ec2:us-east-1:123456789012:instance/i-other"] },
    match: false,
  },
  {
    name: "array of objects: a field of one element",
    doc: ARRAYS,
    pattern: { detail: { employees: { firstName: ["Anna"] } } },
    event: d({
      employees: [
        { firstName: "John", lastName: "Doe" },
        { firstName: "Anna", lastName: "Smith" },
      ],
    }),
    match: true,
  },
  {
    name: "array of objects: fields of different elements do not combine",
    doc: ARRAYS,
    pattern: { detail: { employees: { firstName: ["Anna"], lastName: ["Jones"] } } },
    event: d({
      employees: [
        [
          { firstName: "John", lastName: "Doe" },
          { firstName: "Anna", lastName: "Smith" },
        ],
        [{ firstName: "Peter", lastName: "Jones" }],
      ],
    }),
    match: false,
  },
  {
    name: "nested arrays of objects: both fields in one element",
    doc: ARRAYS,
    pattern: { detail: { employees: { firstName: ["Peter"], lastName: ["Jones"] } } },
    event: d({ employees: [[{ firstName: "John" }], [{ firstName: "Peter", lastName: "Jones" }]] }),
    match: true,
  },
  {
    name: "numbers: 5 equals 5.0 and 3.018e2 equals 301.8",
    doc: PATTERNS,
    pattern: { detail: { "c-count": [5.0], "x-limit": [3.018e2] } },
    event: {},
    match: true,
  },
  {
    name: "numbers and strings are different values",
    doc: PATTERNS,
    pattern: { detail: { "c-count": ["5"] } },
    event: {},
    match: false,
  },
  {
    name: "boolean value",
    doc: PATTERNS,
    pattern: { detail: { enabled: [true] } },
    event: d({ enabled: true }),
    match: true,
  },
  {
    name: "boolean does not match its string spelling",
    doc: PATTERNS,
    pattern: { detail: { enabled: [true] } },
    event: d({ enabled: "true" }),
    match: false,
  },
  // Null and empty
  {
    name: "empty string matches an empty string",
    doc: NULLS,
    pattern: { detail: { eventVersion: [""] } },
    event: d({ eventVersion: "", responseElements: null }),
    match: true,
  },
  {
    name: "null matches null",
    doc: NULLS,
    pattern: { detail: { responseElements: [null] } },
    event: d({ eventVersion: "", responseElements: null }),
    match: true,
  },
  {
    name: "empty string does not match null",
    doc: NULLS,
    pattern: { detail: { responseElements: [""] } },
    event: d({ responseElements: null }),
    match: false,
  },
  {
    name: "null does not match an empty string",
    doc: NULLS,
    pattern: { detail: { eventVersion: [null] } },
    event: d({ eventVersion: "" }),
    match: false,
  },
  {
    name: "null does not match a missing field",
    doc: NULLS,
    pattern: { detail: { UserID: [null] } },
    event: {},
    match: false,
  },
  // Prefix / suffix
  {
    name: "prefix",
    doc: `${OPS}#eb-filtering-prefix-matching`,
    pattern: { time: [{ prefix: "2017-10-02" }] },
    event: {},
    match: true,
  },
  {
    name: "prefix not matching",
    doc: `${OPS}#eb-filtering-prefix-matching`,
    pattern: { time: [{ prefix: "2017-10-03" }] },
    event: {},
    match: false,
  },
  {
    name: "prefix only applies to strings",
    doc: `${OPS}#eb-filtering-prefix-matching`,
    pattern: { detail: { "c-count": [{ prefix: "5" }] } },
    event: {},
    match: false,
  },
  {
    name: "prefix equals-ignore-case",
    doc: `${OPS}#eb-filtering-prefix-matching`,
    pattern: { detail: { service: [{ prefix: { "equals-ignore-case": "eventb" } }] } },
    event: d({ service: "EventBridge" }),
    match: true,
  },
  {
    name: "prefix equals-ignore-case not matching",
    doc: `${OPS}#eb-filtering-prefix-matching`,
    pattern: { detail: { service: [{ prefix: { "equals-ignore-case": "eventb" } }] } },
    event: d({ service: "Lambda" }),
    match: false,
  },
  {
    name: "prefix is case-sensitive without equals-ignore-case",
    doc: `${OPS}#eb-filtering-prefix-matching`,
    pattern: { source: [{ prefix: "AWS." }] },
    event: {},
    match: false,
  },
  {
    name: "suffix",
    doc: `${OPS}#eb-filtering-suffix-matching`,
    pattern: { detail: { FileName: [{ suffix: ".png" }] } },
    event: d({ FileName: "image.png" }),
    match: true,
  },
  {
    name: "suffix not matching",
    doc: `${OPS}#eb-filtering-suffix-matching`,
    pattern: { detail: { FileName: [{ suffix: ".png" }] } },
    event: d({ FileName: "image.jpg" }),
    match: false,
  },
  {
    name: "suffix equals-ignore-case",
    doc: `${OPS}#eb-filtering-suffix-matching`,
    pattern: { detail: { service: [{ suffix: { "equals-ignore-case": "tbridge" } }] } },
    event: d({ service: "EVENTBRIDGE" }),
    match: true,
  },
  {
    name: "suffix equals-ignore-case not matching",
    doc: `${OPS}#eb-filtering-suffix-matching`,
    pattern: { detail: { service: [{ suffix: { "equals-ignore-case": "tbridge" } }] } },
    event: d({ service: "EventBus" }),
    match: false,
  },
  // Equals-ignore-case
  {
    name: "equals-ignore-case",
    doc: `${OPS}#eb-filtering-equals-ignore-case-matching`,
    pattern: { detail: { Name: [{ "equals-ignore-case": "alice" }] } },
    event: d({ Name: "ALICE" }),
    match: true,
  },
  {
    name: "equals-ignore-case is not a prefix match",
    doc: `${OPS}#eb-filtering-equals-ignore-case-matching`,
    pattern: { detail: { Name: [{ "equals-ignore-case": "alice" }] } },
    event: d({ Name: "Alicia" }),
    match: false,
  },
  // Wildcard
  {
    name: "wildcard: .png file in folder dir",
    doc: `${OPS}#eb-filtering-wildcard-matching`,
    pattern: { detail: { FilePath: [{ wildcard: "dir/*.png" }] } },
    event: d({ FilePath: "dir/sub/image.png" }),
    match: true,
  },
  {
    name: "wildcard: .png file outside dir",
    doc: `${OPS}#eb-filtering-wildcard-matching`,
    pattern: { detail: { FilePath: [{ wildcard: "dir/*.png" }] } },
    event: d({ FilePath: "other/image.png" }),
    match: false,
  },
  {
    name: "wildcard in the middle",
    doc: `${OPS}#eb-filtering-wildcard-matching`,
    pattern: { source: [{ wildcard: "Simple*Service" }] },
    event: { source: "SimpleQueueService" },
    match: true,
  },
  {
    name: "wildcard matches zero characters",
    doc: `${OPS}#eb-filtering-wildcard-matching`,
    pattern: { source: [{ wildcard: "Simple*Service" }] },
    event: { source: "SimpleService" },
    match: true,
  },
  {
    name: "wildcard does not match a different suffix",
    doc: `${OPS}#eb-filtering-suffix-matching`,
    pattern: { source: [{ wildcard: "Simple*Service" }] },
    event: { source: "SimpleQueueServices" },
    match: false,
  },
  {
    name: "escaped star is a literal star",
    doc: `${OPS}#eb-filtering-wildcard-matching`,
    pattern: { detail: { key: [{ wildcard: "a\\*b" }] } },
    event: d({ key: "a*b" }),
    match: true,
  },
  {
    name: "escaped star does not act as a wildcard",
    doc: `${OPS}#eb-filtering-wildcard-matching`,
    pattern: { detail: { key: [{ wildcard: "a\\*b" }] } },
    event: d({ key: "axxb" }),
    match: false,
  },
  {
    name: "escaped backslash is a literal backslash",
    doc: `${OPS}#eb-filtering-wildcard-matching`,
    pattern: { detail: { key: [{ wildcard: "C:\\\\*" }] } },
    event: d({ key: "C:\\temp" }),
    match: true,
  },
  // Anything-but
  {
    name: "anything-but string",
    doc: `${OPS}#eb-filtering-anything-but`,
    pattern: { detail: { state: [{ "anything-but": "initializing" }] } },
    event: {},
    match: true,
  },
  {
    name: "anything-but string: excluded value",
    doc: `${OPS}#eb-filtering-anything-but`,
    pattern: { detail: { state: [{ "anything-but": "initializing" }] } },
    event: d({ state: "initializing" }),
    match: false,
  },
  {
    name: "anything-but number",
    doc: `${OPS}#eb-filtering-anything-but`,
    pattern: { detail: { "x-limit": [{ "anything-but": 123 }] } },
    event: {},
    match: true,
  },
  {
    name: "anything-but number: excluded value",
    doc: `${OPS}#eb-filtering-anything-but`,
    pattern: { detail: { "x-limit": [{ "anything-but": 123 }] } },
    event: d({ "x-limit": 123 }),
    match: false,
  },
  {
    name: "anything-but string list",
    doc: `${OPS}#eb-filtering-anything-but`,
    pattern: { detail: { state: [{ "anything-but": ["stopped", "overloaded"] }] } },
    event: {},
    match: true,
  },
  {
    name: "anything-but string list: excluded value",
    doc: `${OPS}#eb-filtering-anything-but`,
    pattern: { detail: { state: [{ "anything-but": ["stopped", "overloaded"] }] } },
    event: d({ state: "overloaded" }),
    match: false,
  },
  {
    name: "anything-but number list",
    doc: `${OPS}#eb-filtering-anything-but`,
    pattern: { detail: { "x-limit": [{ "anything-but": [100, 200, 300] }] } },
    event: {},
    match: true,
  },
  {
    name: "anything-but number list: excluded value (numeric equality)",
    doc: `${OPS}#eb-filtering-anything-but`,
    pattern: { detail: { "x-limit": [{ "anything-but": [100, 200, 300] }] } },
    event: d({ "x-limit": 2e2 }),
    match: false,
  },
  {
    name: "anything-but matches an event array holding a non-excluded value",
    doc: `${OPS}#eb-filtering-anything-but`,
    pattern: { detail: { price: [{ "anything-but": [100, 500] }] } },
    event: d({ price: [100, 50] }),
    match: true,
  },
  {
    name: "anything-but does not match a missing field",
    doc: `${OPS}#eb-filtering-anything-but`,
    pattern: { detail: { weather: [{ "anything-but": "Raining" }] } },
    event: {},
    match: false,
  },
  {
    name: "anything-but prefix",
    doc: `${OPS}#eb-filtering-anything-but`,
    pattern: { detail: { state: [{ "anything-but": { prefix: "init" } }] } },
    event: {},
    match: true,
  },
  {
    name: "anything-but prefix: excluded prefix",
    doc: `${OPS}#eb-filtering-anything-but`,
    pattern: { detail: { state: [{ "anything-but": { prefix: "init" } }] } },
    event: d({ state: "initializing" }),
    match: false,
  },
  {
    name: "anything-but prefix list",
    doc: `${OPS}#eb-filtering-anything-but`,
    pattern: { region: [{ "anything-but": { prefix: ["us-", "eu-"] } }] },
    event: { region: "ap-southeast-2" },
    match: true,
  },
  {
    name: "anything-but prefix list: excluded prefix",
    doc: `${OPS}#eb-filtering-anything-but`,
    pattern: { region: [{ "anything-but": { prefix: ["us-", "eu-"] } }] },
    event: { region: "eu-west-1" },
    match: false,
  },
  {
    name: "anything-but suffix",
    doc: `${OPS}#eb-filtering-anything-but`,
    pattern: { detail: { "instance-id": [{ "anything-but": { suffix: "1234" } }] } },
    event: {},
    match: true,
  },
  {
    name: "anything-but suffix: excluded suffix",
    doc: `${OPS}#eb-filtering-anything-but`,
    pattern: { detail: { FileName: [{ "anything-but": { suffix: ".png" } }] } },
    event: d({ FileName: "photo.png" }),
    match: false,
  },
  {
    name: "anything-but suffix list",
    doc: `${OPS}#eb-filtering-anything-but`,
    pattern: { detail: { "instance-id": [{ "anything-but": { suffix: ["1234", "6789"] } }] } },
    event: d({ "instance-id": "i-6789" }),
    match: false,
  },
  {
    name: "anything-but equals-ignore-case",
    doc: `${OPS}#eb-filtering-anything-but`,
    pattern: { detail: { state: [{ "anything-but": { "equals-ignore-case": "initializing" } }] } },
    event: {},
    match: true,
  },
  {
    name: "anything-but equals-ignore-case: excluded in another casing",
    doc: `${OPS}#eb-filtering-anything-but`,
    pattern: { detail: { state: [{ "anything-but": { "equals-ignore-case": "initializing" } }] } },
    event: d({ state: "INITIALIZING" }),
    match: false,
  },
  {
    name: "anything-but equals-ignore-case list",
    doc: `${OPS}#eb-filtering-anything-but`,
    pattern: {
      detail: { state: [{ "anything-but": { "equals-ignore-case": ["Stopped", "OverLoaded"] } }] },
    },
    event: d({ state: "stopped" }),
    match: false,
  },
  {
    name: "anything-but wildcard",
    doc: `${OPS}#eb-filtering-anything-but`,
    pattern: { detail: { FilePath: [{ "anything-but": { wildcard: "*/lib/*" } }] } },
    event: d({ FilePath: "/usr/bin/app" }),
    match: true,
  },
  {
    name: "anything-but wildcard: path including /lib/",
    doc: `${OPS}#eb-filtering-anything-but`,
    pattern: { detail: { FilePath: [{ "anything-but": { wildcard: "*/lib/*" } }] } },
    event: d({ FilePath: "/usr/lib/app" }),
    match: false,
  },
  {
    name: "anything-but wildcard list",
    doc: `${OPS}#eb-filtering-anything-but`,
    pattern: {
      detail: { FilePath: [{ "anything-but": { wildcard: ["*/bin/*.jar", "*/bin/*.class"] } }] },
    },
    event: d({ FilePath: "/opt/bin/app.class" }),
    match: false,
  },
  // Numeric
  {
    name: "numeric ranges and equality (docs example)",
    doc: `${OPS}#eb-filtering-numeric-matching`,
    pattern: {
      detail: {
        "c-count": [{ numeric: [">", 0, "<=", 5] }],
        "d-count": [{ numeric: ["<", 10] }],
        "x-limit": [{ numeric: ["=", 3.018e2] }],
      },
    },
    event: {},
    match: true,
  },
  {
    name: "numeric range: above the upper bound",
    doc: `${OPS}#eb-filtering-numeric-matching`,
    pattern: { detail: { "c-count": [{ numeric: [">", 0, "<=", 5] }] } },
    event: d({ "c-count": 6 }),
    match: false,
  },
  {
    name: "numeric range: on the exclusive lower bound",
    doc: `${OPS}#eb-filtering-numeric-matching`,
    pattern: { detail: { "c-count": [{ numeric: [">", 0, "<=", 5] }] } },
    event: d({ "c-count": 0 }),
    match: false,
  },
  {
    name: "numeric: price more than 10 and at most 20",
    doc: `${OPS}#eb-filtering-numeric-matching`,
    pattern: { detail: { Price: [{ numeric: [">", 10, "<=", 20] }] } },
    event: d({ Price: 20 }),
    match: true,
  },
  {
    name: "numeric >=",
    doc: `${OPS}#eb-filtering-numeric-matching`,
    pattern: { detail: { Price: [{ numeric: [">=", 10] }] } },
    event: d({ Price: 10 }),
    match: true,
  },
  {
    name: "numeric does not match strings",
    doc: `${OPS}#eb-filtering-numeric-matching`,
    pattern: { detail: { Price: [{ numeric: [">", 10] }] } },
    event: d({ Price: "100" }),
    match: false,
  },
  {
    name: "numeric equality with six decimal places",
    doc: `${OPS}#eb-filtering-numeric-matching`,
    pattern: { detail: { Price: [{ numeric: ["=", 0.3] }] } },
    event: d({ Price: 0.1 + 0.2 }),
    match: true,
  },
  // CIDR
  {
    name: "cidr IPv4",
    doc: `${OPS}#eb-filtering-ip-matching`,
    pattern: { detail: { "source-ip": [{ cidr: "10.0.0.0/24" }] } },
    event: {},
    match: true,
  },
  {
    name: "cidr IPv4 outside the block",
    doc: `${OPS}#eb-filtering-ip-matching`,
    pattern: { detail: { "source-ip": [{ cidr: "10.0.0.0/24" }] } },
    event: d({ "source-ip": "10.0.1.33" }),
    match: false,
  },
  {
    name: "cidr IPv6",
    doc: `${OPS}#eb-filtering-ip-matching`,
    pattern: { detail: { sourceIPAddress: [{ cidr: "2001:db8::/32" }] } },
    event: d({ sourceIPAddress: "2001:db8:0:0:ffff::1" }),
    match: true,
  },
  {
    name: "cidr IPv6 outside the block",
    doc: `${OPS}#eb-filtering-ip-matching`,
    pattern: { detail: { sourceIPAddress: [{ cidr: "2001:db8::/32" }] } },
    event: d({ sourceIPAddress: "2001:db9::1" }),
    match: false,
  },
  {
    name: "cidr does not match a non-address",
    doc: `${OPS}#eb-filtering-ip-matching`,
    pattern: { detail: { sourceIPAddress: [{ cidr: "10.0.0.0/8" }] } },
    event: d({ sourceIPAddress: "not-an-ip" }),
    match: false,
  },
  // Exists
  {
    name: "exists true on a present field",
    doc: `${OPS}#eb-filtering-exists-matching`,
    pattern: { detail: { "c-count": [{ exists: true }] } },
    event: {},
    match: true,
  },
  {
    name: "exists true on a missing field",
    doc: `${OPS}#eb-filtering-exists-matching`,
    pattern: { detail: { ProductName: [{ exists: true }] } },
    event: {},
    match: false,
  },
  {
    name: "exists false on a missing field",
    doc: `${OPS}#eb-filtering-exists-matching`,
    pattern: { detail: { "c-count": [{ exists: false }] } },
    event: d({ state: ["initializing", "running"] }),
    match: true,
  },
  {
    name: "exists false on a present field",
    doc: `${OPS}#eb-filtering-exists-matching`,
    pattern: { detail: { "c-count": [{ exists: false }] } },
    event: {},
    match: false,
  },
  {
    name: "exists false when the field is not a leaf (docs example)",
    doc: `${OPS}#eb-filtering-exists-matching`,
    pattern: { detail: { "c-count": [{ exists: false }] } },
    event: d({ state: ["initializing", "running"], "c-count": { c1: 100 } }),
    match: true,
  },
  {
    name: "exists true when the field is not a leaf",
    doc: `${OPS}#eb-filtering-exists-matching`,
    pattern: { detail: { "c-count": [{ exists: true }] } },
    event: d({ "c-count": { c1: 100 } }),
    match: false,
  },
  {
    name: "exists false on an empty array (no leaf value)",
    doc: `${OPS}#eb-filtering-exists-matching`,
    pattern: { detail: { tags: [{ exists: false }] } },
    event: d({ tags: [] }),
    match: true,
  },
  {
    name: "exists true on a non-empty array",
    doc: `${OPS}#eb-filtering-exists-matching`,
    pattern: { detail: { tags: [{ exists: true }] } },
    event: d({ tags: ["a"] }),
    match: true,
  },
  {
    name: "exists true on a null value (null is a leaf value)",
    doc: `${OPS}#eb-filtering-exists-matching`,
    pattern: { detail: { UserID: [{ exists: true }] } },
    event: d({ UserID: null }),
    match: true,
  },
  {
    name: "exists false below a missing parent",
    doc: `${OPS}#eb-filtering-exists-matching`,
    pattern: { detail: { order: { id: [{ exists: false }] } } },
    event: {},
    match: true,
  },
  // $or
  {
    name: "$or: PaymentType Credit or Debit (value list)",
    doc: `${OPS}#eb-filtering-complex-example-or`,
    pattern: { detail: { PaymentType: ["Credit", "Debit"] } },
    event: d({ PaymentType: "Debit" }),
    match: true,
  },
  {
    name: "$or: Location or Day",
    doc: `${OPS}#eb-filtering-complex-example-or`,
    pattern: { detail: { $or: [{ Location: ["New York"] }, { Day: ["Monday"] }] } },
    event: d({ Location: "Boston", Day: "Monday" }),
    match: true,
  },
  {
    name: "$or: neither alternative",
    doc: `${OPS}#eb-filtering-complex-example-or`,
    pattern: { detail: { $or: [{ Location: ["New York"] }, { Day: ["Monday"] }] } },
    event: d({ Location: "Boston", Day: "Friday" }),
    match: false,
  },
  {
    name: "$or at the top level with source AND",
    doc: `${OPS}#eb-filtering-complex-example-or`,
    pattern: {
      source: ["aws.cloudwatch"],
      $or: [
        { "detail-type": ["CloudWatch Alarm State Change"] },
        { detail: { state: ["running"] } },
      ],
    },
    event: { source: "aws.cloudwatch" },
    match: true,
  },
  {
    name: "$or at the top level: AND part fails",
    doc: `${OPS}#eb-filtering-complex-example-or`,
    pattern: {
      source: ["aws.cloudwatch"],
      $or: [
        { "detail-type": ["CloudWatch Alarm State Change"] },
        { detail: { state: ["running"] } },
      ],
    },
    event: {},
    match: false,
  },
  {
    name: "$or with an AND inside and a nested $or",
    doc: `${OPS}#eb-filtering-complex-example-or`,
    pattern: {
      source: ["aws.cloudwatch"],
      detail: {
        $or: [
          { metricName: ["CPUUtilization", "ReadLatency"] },
          {
            metricType: ["MetricType"],
            namespace: ["AWS/EC2", "AWS/ES"],
            $or: [{ metricId: [1234] }, { spaceId: [1000] }],
          },
          { scope: ["Service"] },
        ],
      },
    },
    event: {
      source: "aws.cloudwatch",
      detail: { metricType: "MetricType", namespace: "AWS/ES", spaceId: 1000 },
    },
    match: true,
  },
  {
    name: "nested $or: inner alternatives all fail",
    doc: `${OPS}#eb-filtering-complex-example-or`,
    pattern: {
      detail: {
        $or: [
          { metricName: ["CPUUtilization"] },
          { metricType: ["MetricType"], $or: [{ metricId: [1234] }, { spaceId: [1000] }] },
        ],
      },
    },
    event: d({ metricType: "MetricType", spaceId: 7 }),
    match: false,
  },
  {
    name: "$or holding an object is an ordinary field name (backward compatibility)",
    doc: `${OPS}#eb-filtering-complex-example-or`,
    pattern: { detail: { $or: { metricType: ["MetricType"] } } },
    event: d({ $or: { metricType: "MetricType" } }),
    match: true,
  },
  // Envelope fields
  {
    name: "envelope: account, region and id",
    doc: PATTERNS,
    pattern: {
      account: ["012345679012"],
      region: ["us-east-1"],
      id: [{ prefix: "ddddd4" }],
    },
    event: {},
    match: true,
  },
  {
    name: "envelope: another region",
    doc: PATTERNS,
    pattern: { region: ["eu-west-1"] },
    event: {},
    match: false,
  },
  // Complex
  {
    name: "complex example combining operators",
    doc: `${OPS}#eb-filtering-complex-example`,
    pattern: {
      time: [{ prefix: "2017-10-02" }],
      detail: {
        state: [{ "anything-but": "initializing" }],
        "c-count": [{ numeric: [">", 0, "<=", 5] }],
        "d-count": [{ numeric: ["<", 10] }],
        "x-limit": [{ "anything-but": [100, 200, 300] }],
        "source-ip": [{ cidr: "10.0.0.0/8" }],
      },
    },
    event: {},
    match: true,
  },
  {
    name: "complex example: one operator fails",
    doc: `${OPS}#eb-filtering-complex-example`,
    pattern: {
      time: [{ prefix: "2017-10-02" }],
      detail: {
        state: [{ "anything-but": "initializing" }],
        "d-count": [{ numeric: ["<", 3] }],
      },
    },
    event: {},
    match: false,
  },
];

// Values holding characters a regular expression would treat as syntax. In the pattern language
// only `*` is special (and only to `wildcard`, which also reads `\*` and `\\` as escapes):
// every other character, `-` of a region name included, is itself.
const WILDCARD = `${OPS}#eb-filtering-wildcard-matching`;
const REGEX_SPECIALS = [".", "-", "+", "(", ")", "[", "]", "$", "^", "|", "?", "{", "}", "/"];

export const specialCharacterCases: PatternCase[] = [
  {
    name: "wildcard ARN with a region (us-east-1)",
    doc: WILDCARD,
    pattern: { resources: [{ wildcard: "arn:aws:events:us-east-1:*:event-bus/*" }] },
    event: { resources: ["arn:aws:events:us-east-1:123456789012:event-bus/orders"] },
    match: true,
  },
  {
    name: "wildcard ARN with a region: another region",
    doc: WILDCARD,
    pattern: { resources: [{ wildcard: "arn:aws:events:us-east-1:*:event-bus/*" }] },
    event: { resources: ["arn:aws:events:us-west-2:123456789012:event-bus/orders"] },
    match: false,
  },
  {
    name: "wildcard S3 object ARN: .png under the bucket",
    doc: WILDCARD,
    pattern: { resources: [{ wildcard: "arn:aws:s3:::amzn-s3-demo-bucket/*.png" }] },
    event: { resources: ["arn:aws:s3:::amzn-s3-demo-bucket/photos/cat.png"] },
    match: true,
  },
  {
    name: "wildcard S3 object ARN: the dot is literal",
    doc: WILDCARD,
    pattern: { resources: [{ wildcard: "arn:aws:s3:::amzn-s3-demo-bucket/*.png" }] },
    event: { resources: ["arn:aws:s3:::amzn-s3-demo-bucket/photos/cat-png"] },
    match: false,
  },
  {
    name: "wildcard S3 object ARN: the hyphen is literal",
    doc: WILDCARD,
    pattern: { resources: [{ wildcard: "arn:aws:s3:::amzn-s3-demo-bucket/*.png" }] },
    event: { resources: ["arn:aws:s3:::amzn_s3_demo_bucket/cat.png"] },
    match: false,
  },
  ...REGEX_SPECIALS.flatMap((c): PatternCase[] => [
    {
      name: `wildcard with ${c} in the value`,
      doc: WILDCARD,
      pattern: d({ key: [{ wildcard: `a${c}b*` }] }),
      event: d({ key: `a${c}b-tail` }),
      match: true,
    },
    {
      name: `wildcard with ${c} in the value: ${c} is literal`,
      doc: WILDCARD,
      pattern: d({ key: [{ wildcard: `a${c}b*` }] }),
      event: d({ key: "axb-tail" }),
      match: false,
    },
  ]),
  {
    name: "wildcard: escaped backslash before a star (literal \\ then any run)",
    doc: WILDCARD,
    pattern: d({ path: [{ wildcard: "C:\\\\Users\\\\*" }] }),
    event: d({ path: "C:\\Users\\alice" }),
    match: true,
  },
  {
    name: "wildcard: escaped star is literal among regex characters",
    doc: WILDCARD,
    pattern: d({ glob: [{ wildcard: "src/\\*.{ts,js}" }] }),
    event: d({ glob: "src/*.{ts,js}" }),
    match: true,
  },
  {
    name: "wildcard: escaped star among regex characters does not expand",
    doc: WILDCARD,
    pattern: d({ glob: [{ wildcard: "src/\\*.{ts,js}" }] }),
    event: d({ glob: "src/index.{ts,js}" }),
    match: false,
  },
  {
    name: "exact value with regex characters",
    doc: OPS,
    pattern: d({ key: ["a.b*c+(d)?[e]{f}|g^h$i\\j/k-l"] }),
    event: d({ key: "a.b*c+(d)?[e]{f}|g^h$i\\j/k-l" }),
    match: true,
  },
  {
    name: "exact value with regex characters is not a pattern",
    doc: OPS,
    pattern: d({ key: ["a.b*c"] }),
    event: d({ key: "aXbbbc" }),
    match: false,
  },
  {
    name: "prefix equals-ignore-case with regex characters",
    doc: `${OPS}#eb-filtering-prefix-matching`,
    pattern: d({ key: [{ prefix: { "equals-ignore-case": "ARN:AWS:S3:::A.B-" } }] }),
    event: d({ key: "arn:aws:s3:::a.b-bucket/key" }),
    match: true,
  },
  {
    name: "prefix equals-ignore-case with regex characters: the dot is literal",
    doc: `${OPS}#eb-filtering-prefix-matching`,
    pattern: d({ key: [{ prefix: { "equals-ignore-case": "ARN:AWS:S3:::A.B-" } }] }),
    event: d({ key: "arn:aws:s3:::axb-bucket/key" }),
    match: false,
  },
  {
    name: "anything-but suffix list with regex characters",
    doc: `${OPS}#eb-filtering-anything-but-suffix`,
    pattern: d({ FileName: [{ "anything-but": { suffix: [".png", ".(tmp)"] } }] }),
    event: d({ FileName: "cache.(tmp)" }),
    match: false,
  },
  {
    name: "$or with a wildcard ARN in one alternative",
    doc: `${OPS}#eb-filtering-complex-example-or`,
    pattern: {
      $or: [
        { resources: [{ wildcard: "arn:aws:ec2:us-east-1:*:instance/*" }] },
        { source: ["aws.s3"] },
      ],
    },
    event: {},
    match: true,
  },
  {
    name: "prefix us- (docs example: Region is in the US)",
    doc: `${OPS}#eb-filtering-prefix-matching`,
    pattern: d({ Region: [{ prefix: "us-" }] }),
    event: d({ Region: "us-east-1" }),
    match: true,
  },
  {
    name: "prefix us- does not match eu-west-1",
    doc: `${OPS}#eb-filtering-prefix-matching`,
    pattern: d({ Region: [{ prefix: "us-" }] }),
    event: d({ Region: "eu-west-1" }),
    match: false,
  },
  {
    name: "prefix with regex characters is literal",
    doc: `${OPS}#eb-filtering-prefix-matching`,
    pattern: d({ key: [{ prefix: "a.(b)[c]+" }] }),
    event: d({ key: "axbc" }),
    match: false,
  },
  {
    name: "prefix with regex characters",
    doc: `${OPS}#eb-filtering-prefix-matching`,
    pattern: d({ key: [{ prefix: "a.(b)[c]+" }] }),
    event: d({ key: "a.(b)[c]+$^|?{}/\\d" }),
    match: true,
  },
  {
    name: "suffix .png (docs example: FileName ends with .png)",
    doc: `${OPS}#eb-filtering-suffix-matching`,
    pattern: d({ FileName: [{ suffix: ".png" }] }),
    event: d({ FileName: "image.png" }),
    match: true,
  },
  {
    name: "suffix .png: the dot is literal",
    doc: `${OPS}#eb-filtering-suffix-matching`,
    pattern: d({ FileName: [{ suffix: ".png" }] }),
    event: d({ FileName: "image-png" }),
    match: false,
  },
  {
    name: "suffix equals-ignore-case with regex characters",
    doc: `${OPS}#eb-filtering-suffix-matching`,
    pattern: d({ key: [{ suffix: { "equals-ignore-case": "-V1.$" } }] }),
    event: d({ key: "order-v1.$" }),
    match: true,
  },
  {
    name: "equals-ignore-case with regex characters",
    doc: `${OPS}#eb-filtering-equals-ignore-case-matching`,
    pattern: d({ key: [{ "equals-ignore-case": "US-EAST-1.(A|B)" }] }),
    event: d({ key: "us-east-1.(a|b)" }),
    match: true,
  },
  {
    name: "equals-ignore-case with regex characters is not a regex",
    doc: `${OPS}#eb-filtering-equals-ignore-case-matching`,
    pattern: d({ key: [{ "equals-ignore-case": "US-EAST-1.(A|B)" }] }),
    event: d({ key: "us-east-1xa" }),
    match: false,
  },
  {
    name: "anything-but prefix us- (docs example: Region is not in the US)",
    doc: `${OPS}#eb-filtering-anything-but-prefix`,
    pattern: d({ Region: [{ "anything-but": { prefix: "us-" } }] }),
    event: d({ Region: "eu-west-1" }),
    match: true,
  },
  {
    name: "anything-but prefix us-: a US region",
    doc: `${OPS}#eb-filtering-anything-but-prefix`,
    pattern: d({ Region: [{ "anything-but": { prefix: "us-" } }] }),
    event: d({ Region: "us-east-1" }),
    match: false,
  },
  {
    name: "anything-but suffix .png (docs example)",
    doc: `${OPS}#eb-filtering-anything-but-suffix`,
    pattern: d({ FileName: [{ "anything-but": { suffix: ".png" } }] }),
    event: d({ FileName: "image-png" }),
    match: true,
  },
  {
    name: "anything-but wildcard */lib/* (docs example): a path under lib-x",
    doc: `${OPS}#eb-filtering-anything-but-wildcard`,
    pattern: d({ FilePath: [{ "anything-but": { wildcard: "*/lib/*" } }] }),
    event: d({ FilePath: "/usr/lib-x/a.so" }),
    match: true,
  },
  {
    name: "anything-but wildcard with a region in an ARN",
    doc: `${OPS}#eb-filtering-anything-but-wildcard`,
    pattern: { resources: [{ "anything-but": { wildcard: "arn:aws:ec2:us-east-1:*" } }] },
    event: {},
    match: false,
  },
  {
    name: "anything-but list of values with regex characters",
    doc: `${OPS}#eb-filtering-anything-but`,
    pattern: d({ key: [{ "anything-but": ["a.b", "c-d", "e+f"] }] }),
    event: d({ key: "axb" }),
    match: true,
  },
  {
    name: "anything-but list of values with regex characters: excluded value",
    doc: `${OPS}#eb-filtering-anything-but`,
    pattern: d({ key: [{ "anything-but": ["a.b", "c-d", "e+f"] }] }),
    event: d({ key: "c-d" }),
    match: false,
  },
  {
    name: "anything-but equals-ignore-case with regex characters",
    doc: `${OPS}#eb-filtering-anything-but-ignore-case`,
    pattern: d({ key: [{ "anything-but": { "equals-ignore-case": ["US-EAST-1", "A.B"] } }] }),
    event: d({ key: "us-east-1" }),
    match: false,
  },
];

patternCases.push(...specialCharacterCases);

/** Invalid patterns and a fragment of the reason AWS gives. */
export const invalidPatterns: Array<{ pattern: string; reason: RegExp }> = [
  { pattern: "[]", reason: /Filter is not an object/ },
  { pattern: '"aws.ec2"', reason: /Filter is not an object/ },
  { pattern: "{", reason: /Event pattern is not valid/ },
  { pattern: "{}", reason: /Empty objects are not allowed/ },
  { pattern: '{"source":"aws.ec2"}', reason: /must be an object or an array/ },
  { pattern: '{"source":[]}', reason: /Empty arrays are not allowed/ },
  { pattern: '{"detail":{}}', reason: /Empty objects are not allowed/ },
  { pattern: '{"source":[["aws.ec2"]]}', reason: /Match value must be String/ },
  { pattern: '{"source":[{}]}', reason: /Match expression name not found/ },
  { pattern: '{"source":[{"contains":"ec2"}]}', reason: /Unrecognized match type contains/ },
  { pattern: '{"source":[{"prefix":"a","suffix":"b"}]}', reason: /Only one key allowed/ },
  { pattern: '{"source":[{"prefix":1}]}', reason: /prefix match pattern must be a string/ },
  { pattern: '{"source":[{"prefix":{"foo":"a"}}]}', reason: /Unsupported prefix pattern/ },
  { pattern: '{"source":[{"suffix":[".png"]}]}', reason: /suffix match pattern must be a string/ },
  { pattern: '{"source":[{"equals-ignore-case":5}]}', reason: /must be a string/ },
  { pattern: '{"source":[{"wildcard":"a**b"}]}', reason: /Consecutive wildcard/ },
  { pattern: '{"source":[{"wildcard":"a\\\\b"}]}', reason: /Invalid escape/ },
  { pattern: '{"n":[{"numeric":">"}]}', reason: /must be an array/ },
  { pattern: '{"n":[{"numeric":[">","x"]}]}', reason: /must be numeric/ },
  { pattern: '{"n":[{"numeric":["!=",1]}]}', reason: /Unrecognized numeric range operator/ },
  { pattern: '{"n":[{"numeric":["<",10,">",5]}]}', reason: /Bad numeric range operator/ },
  { pattern: '{"n":[{"numeric":[">",10,"<",5]}]}', reason: /Bottom must be less than top/ },
  { pattern: '{"n":[{"numeric":["=",6e9]}]}', reason: /between -5.0E9 and 5.0E9/ },
  { pattern: '{"n":[{"numeric":[">",0,"<",5,"<",6]}]}', reason: /Too many elements/ },
  { pattern: '{"ip":[{"cidr":"10.0.0.0/33"}]}', reason: /Nonstandard IP address/ },
  { pattern: '{"ip":[{"cidr":"not-an-ip"}]}', reason: /Nonstandard IP address/ },
  { pattern: '{"f":[{"exists":"yes"}]}', reason: /either true or false/ },
  { pattern: '{"f":[{"anything-but":[1,"a"]}]}', reason: /all values are number or string/ },
  { pattern: '{"f":[{"anything-but":[null]}]}', reason: /null\|boolean is not supported/ },
  { pattern: '{"f":[{"anything-but":true}]}', reason: /anything-but must be/ },
  { pattern: '{"f":[{"anything-but":{"numeric":[">",1]}}]}', reason: /Unsupported anything-but/ },
  { pattern: '{"f":[{"anything-but":{"prefix":5}}]}', reason: /must be a string/ },
  { pattern: '{"$or":[{"a":["x"]}]}', reason: /at least 2 Objects/ },
];
