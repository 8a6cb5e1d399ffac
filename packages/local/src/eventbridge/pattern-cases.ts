// Pattern conformance table, taken from the EventBridge user guide ("Content filtering",
// "Comparison operators", "Arrays", "Null values and empty strings") and the examples of
// aws/event-ruler's README. Shared by the unit test, the TestEventPattern API test and the
// PutEvents → rule → SQS delivery test, so the same table is checked at every layer.

export interface PatternCase {
  name: string;
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

const d = (detail: Record<string, unknown>) => ({ detail });

export const patternCases: PatternCase[] = [
  // Equals, And, arrays
  {
    name: "simple match on detail-type, resources and a value list",
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
    pattern: { source: ["aws.ec2"], detail: { state: ["initializing", "stopped"] } },
    event: {},
    match: false,
  },
  {
    name: "And: Location and Day",
    pattern: { detail: { Location: ["New York"], Day: ["Monday"] } },
    event: d({ Location: "New York", Day: "Monday" }),
    match: true,
  },
  {
    name: "And: Location matches but Day does not",
    pattern: { detail: { Location: ["New York"], Day: ["Monday"] } },
    event: d({ Location: "New York", Day: "Tuesday" }),
    match: false,
  },
  {
    name: "event array: intersection with the pattern array is non-empty",
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
    pattern: { resources: ["arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f"] },
    event: { resources: ["arn:aws:ec2:us-east-1:123456789012:instance/i-other"] },
    match: false,
  },
  {
    name: "array of objects: a field of one element",
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
    pattern: { detail: { employees: { firstName: ["Peter"], lastName: ["Jones"] } } },
    event: d({ employees: [[{ firstName: "John" }], [{ firstName: "Peter", lastName: "Jones" }]] }),
    match: true,
  },
  {
    name: "numbers: 5 equals 5.0 and 3.018e2 equals 301.8",
    pattern: { detail: { "c-count": [5.0], "x-limit": [3.018e2] } },
    event: {},
    match: true,
  },
  {
    name: "numbers and strings are different values",
    pattern: { detail: { "c-count": ["5"] } },
    event: {},
    match: false,
  },
  {
    name: "boolean value",
    pattern: { detail: { enabled: [true] } },
    event: d({ enabled: true }),
    match: true,
  },
  {
    name: "boolean does not match its string spelling",
    pattern: { detail: { enabled: [true] } },
    event: d({ enabled: "true" }),
    match: false,
  },
  // Null and empty
  {
    name: "empty string matches an empty string",
    pattern: { detail: { eventVersion: [""] } },
    event: d({ eventVersion: "", responseElements: null }),
    match: true,
  },
  {
    name: "null matches null",
    pattern: { detail: { responseElements: [null] } },
    event: d({ eventVersion: "", responseElements: null }),
    match: true,
  },
  {
    name: "empty string does not match null",
    pattern: { detail: { responseElements: [""] } },
    event: d({ responseElements: null }),
    match: false,
  },
  {
    name: "null does not match an empty string",
    pattern: { detail: { eventVersion: [null] } },
    event: d({ eventVersion: "" }),
    match: false,
  },
  {
    name: "null does not match a missing field",
    pattern: { detail: { UserID: [null] } },
    event: {},
    match: false,
  },
  // Prefix / suffix
  {
    name: "prefix",
    pattern: { time: [{ prefix: "2017-10-02" }] },
    event: {},
    match: true,
  },
  {
    name: "prefix not matching",
    pattern: { time: [{ prefix: "2017-10-03" }] },
    event: {},
    match: false,
  },
  {
    name: "prefix only applies to strings",
    pattern: { detail: { "c-count": [{ prefix: "5" }] } },
    event: {},
    match: false,
  },
  {
    name: "prefix equals-ignore-case",
    pattern: { detail: { service: [{ prefix: { "equals-ignore-case": "eventb" } }] } },
    event: d({ service: "EventBridge" }),
    match: true,
  },
  {
    name: "prefix equals-ignore-case not matching",
    pattern: { detail: { service: [{ prefix: { "equals-ignore-case": "eventb" } }] } },
    event: d({ service: "Lambda" }),
    match: false,
  },
  {
    name: "prefix is case-sensitive without equals-ignore-case",
    pattern: { source: [{ prefix: "AWS." }] },
    event: {},
    match: false,
  },
  {
    name: "suffix",
    pattern: { detail: { FileName: [{ suffix: ".png" }] } },
    event: d({ FileName: "image.png" }),
    match: true,
  },
  {
    name: "suffix not matching",
    pattern: { detail: { FileName: [{ suffix: ".png" }] } },
    event: d({ FileName: "image.jpg" }),
    match: false,
  },
  {
    name: "suffix equals-ignore-case",
    pattern: { detail: { service: [{ suffix: { "equals-ignore-case": "tbridge" } }] } },
    event: d({ service: "EVENTBRIDGE" }),
    match: true,
  },
  {
    name: "suffix equals-ignore-case not matching",
    pattern: { detail: { service: [{ suffix: { "equals-ignore-case": "tbridge" } }] } },
    event: d({ service: "EventBus" }),
    match: false,
  },
  // Equals-ignore-case
  {
    name: "equals-ignore-case",
    pattern: { detail: { Name: [{ "equals-ignore-case": "alice" }] } },
    event: d({ Name: "ALICE" }),
    match: true,
  },
  {
    name: "equals-ignore-case is not a prefix match",
    pattern: { detail: { Name: [{ "equals-ignore-case": "alice" }] } },
    event: d({ Name: "Alicia" }),
    match: false,
  },
  // Wildcard
  {
    name: "wildcard: .png file in folder dir",
    pattern: { detail: { FilePath: [{ wildcard: "dir/*.png" }] } },
    event: d({ FilePath: "dir/sub/image.png" }),
    match: true,
  },
  {
    name: "wildcard: .png file outside dir",
    pattern: { detail: { FilePath: [{ wildcard: "dir/*.png" }] } },
    event: d({ FilePath: "other/image.png" }),
    match: false,
  },
  {
    name: "wildcard in the middle",
    pattern: { source: [{ wildcard: "Simple*Service" }] },
    event: { source: "SimpleQueueService" },
    match: true,
  },
  {
    name: "wildcard matches zero characters",
    pattern: { source: [{ wildcard: "Simple*Service" }] },
    event: { source: "SimpleService" },
    match: true,
  },
  {
    name: "wildcard does not match a different suffix",
    pattern: { source: [{ wildcard: "Simple*Service" }] },
    event: { source: "SimpleQueueServices" },
    match: false,
  },
  {
    name: "escaped star is a literal star",
    pattern: { detail: { key: [{ wildcard: "a\\*b" }] } },
    event: d({ key: "a*b" }),
    match: true,
  },
  {
    name: "escaped star does not act as a wildcard",
    pattern: { detail: { key: [{ wildcard: "a\\*b" }] } },
    event: d({ key: "axxb" }),
    match: false,
  },
  {
    name: "escaped backslash is a literal backslash",
    pattern: { detail: { key: [{ wildcard: "C:\\\\*" }] } },
    event: d({ key: "C:\\temp" }),
    match: true,
  },
  // Anything-but
  {
    name: "anything-but string",
    pattern: { detail: { state: [{ "anything-but": "initializing" }] } },
    event: {},
    match: true,
  },
  {
    name: "anything-but string: excluded value",
    pattern: { detail: { state: [{ "anything-but": "initializing" }] } },
    event: d({ state: "initializing" }),
    match: false,
  },
  {
    name: "anything-but number",
    pattern: { detail: { "x-limit": [{ "anything-but": 123 }] } },
    event: {},
    match: true,
  },
  {
    name: "anything-but number: excluded value",
    pattern: { detail: { "x-limit": [{ "anything-but": 123 }] } },
    event: d({ "x-limit": 123 }),
    match: false,
  },
  {
    name: "anything-but string list",
    pattern: { detail: { state: [{ "anything-but": ["stopped", "overloaded"] }] } },
    event: {},
    match: true,
  },
  {
    name: "anything-but string list: excluded value",
    pattern: { detail: { state: [{ "anything-but": ["stopped", "overloaded"] }] } },
    event: d({ state: "overloaded" }),
    match: false,
  },
  {
    name: "anything-but number list",
    pattern: { detail: { "x-limit": [{ "anything-but": [100, 200, 300] }] } },
    event: {},
    match: true,
  },
  {
    name: "anything-but number list: excluded value (numeric equality)",
    pattern: { detail: { "x-limit": [{ "anything-but": [100, 200, 300] }] } },
    event: d({ "x-limit": 2e2 }),
    match: false,
  },
  {
    name: "anything-but matches an event array holding a non-excluded value",
    pattern: { detail: { price: [{ "anything-but": [100, 500] }] } },
    event: d({ price: [100, 50] }),
    match: true,
  },
  {
    name: "anything-but does not match a missing field",
    pattern: { detail: { weather: [{ "anything-but": "Raining" }] } },
    event: {},
    match: false,
  },
  {
    name: "anything-but prefix",
    pattern: { detail: { state: [{ "anything-but": { prefix: "init" } }] } },
    event: {},
    match: true,
  },
  {
    name: "anything-but prefix: excluded prefix",
    pattern: { detail: { state: [{ "anything-but": { prefix: "init" } }] } },
    event: d({ state: "initializing" }),
    match: false,
  },
  {
    name: "anything-but prefix list",
    pattern: { region: [{ "anything-but": { prefix: ["us-", "eu-"] } }] },
    event: { region: "ap-southeast-2" },
    match: true,
  },
  {
    name: "anything-but prefix list: excluded prefix",
    pattern: { region: [{ "anything-but": { prefix: ["us-", "eu-"] } }] },
    event: { region: "eu-west-1" },
    match: false,
  },
  {
    name: "anything-but suffix",
    pattern: { detail: { "instance-id": [{ "anything-but": { suffix: "1234" } }] } },
    event: {},
    match: true,
  },
  {
    name: "anything-but suffix: excluded suffix",
    pattern: { detail: { FileName: [{ "anything-but": { suffix: ".png" } }] } },
    event: d({ FileName: "photo.png" }),
    match: false,
  },
  {
    name: "anything-but suffix list",
    pattern: { detail: { "instance-id": [{ "anything-but": { suffix: ["1234", "6789"] } }] } },
    event: d({ "instance-id": "i-6789" }),
    match: false,
  },
  {
    name: "anything-but equals-ignore-case",
    pattern: { detail: { state: [{ "anything-but": { "equals-ignore-case": "initializing" } }] } },
    event: {},
    match: true,
  },
  {
    name: "anything-but equals-ignore-case: excluded in another casing",
    pattern: { detail: { state: [{ "anything-but": { "equals-ignore-case": "initializing" } }] } },
    event: d({ state: "INITIALIZING" }),
    match: false,
  },
  {
    name: "anything-but equals-ignore-case list",
    pattern: {
      detail: { state: [{ "anything-but": { "equals-ignore-case": ["Stopped", "OverLoaded"] } }] },
    },
    event: d({ state: "stopped" }),
    match: false,
  },
  {
    name: "anything-but wildcard",
    pattern: { detail: { FilePath: [{ "anything-but": { wildcard: "*/lib/*" } }] } },
    event: d({ FilePath: "/usr/bin/app" }),
    match: true,
  },
  {
    name: "anything-but wildcard: path including /lib/",
    pattern: { detail: { FilePath: [{ "anything-but": { wildcard: "*/lib/*" } }] } },
    event: d({ FilePath: "/usr/lib/app" }),
    match: false,
  },
  {
    name: "anything-but wildcard list",
    pattern: {
      detail: { FilePath: [{ "anything-but": { wildcard: ["*/bin/*.jar", "*/bin/*.class"] } }] },
    },
    event: d({ FilePath: "/opt/bin/app.class" }),
    match: false,
  },
  // Numeric
  {
    name: "numeric ranges and equality (docs example)",
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
    pattern: { detail: { "c-count": [{ numeric: [">", 0, "<=", 5] }] } },
    event: d({ "c-count": 6 }),
    match: false,
  },
  {
    name: "numeric range: on the exclusive lower bound",
    pattern: { detail: { "c-count": [{ numeric: [">", 0, "<=", 5] }] } },
    event: d({ "c-count": 0 }),
    match: false,
  },
  {
    name: "numeric: price more than 10 and at most 20",
    pattern: { detail: { Price: [{ numeric: [">", 10, "<=", 20] }] } },
    event: d({ Price: 20 }),
    match: true,
  },
  {
    name: "numeric >=",
    pattern: { detail: { Price: [{ numeric: [">=", 10] }] } },
    event: d({ Price: 10 }),
    match: true,
  },
  {
    name: "numeric does not match strings",
    pattern: { detail: { Price: [{ numeric: [">", 10] }] } },
    event: d({ Price: "100" }),
    match: false,
  },
  {
    name: "numeric equality with six decimal places",
    pattern: { detail: { Price: [{ numeric: ["=", 0.3] }] } },
    event: d({ Price: 0.1 + 0.2 }),
    match: true,
  },
  // CIDR
  {
    name: "cidr IPv4",
    pattern: { detail: { "source-ip": [{ cidr: "10.0.0.0/24" }] } },
    event: {},
    match: true,
  },
  {
    name: "cidr IPv4 outside the block",
    pattern: { detail: { "source-ip": [{ cidr: "10.0.0.0/24" }] } },
    event: d({ "source-ip": "10.0.1.33" }),
    match: false,
  },
  {
    name: "cidr IPv6",
    pattern: { detail: { sourceIPAddress: [{ cidr: "2001:db8::/32" }] } },
    event: d({ sourceIPAddress: "2001:db8:0:0:ffff::1" }),
    match: true,
  },
  {
    name: "cidr IPv6 outside the block",
    pattern: { detail: { sourceIPAddress: [{ cidr: "2001:db8::/32" }] } },
    event: d({ sourceIPAddress: "2001:db9::1" }),
    match: false,
  },
  {
    name: "cidr does not match a non-address",
    pattern: { detail: { sourceIPAddress: [{ cidr: "10.0.0.0/8" }] } },
    event: d({ sourceIPAddress: "not-an-ip" }),
    match: false,
  },
  // Exists
  {
    name: "exists true on a present field",
    pattern: { detail: { "c-count": [{ exists: true }] } },
    event: {},
    match: true,
  },
  {
    name: "exists true on a missing field",
    pattern: { detail: { ProductName: [{ exists: true }] } },
    event: {},
    match: false,
  },
  {
    name: "exists false on a missing field",
    pattern: { detail: { "c-count": [{ exists: false }] } },
    event: d({ state: ["initializing", "running"] }),
    match: true,
  },
  {
    name: "exists false on a present field",
    pattern: { detail: { "c-count": [{ exists: false }] } },
    event: {},
    match: false,
  },
  {
    name: "exists false when the field is not a leaf (docs example)",
    pattern: { detail: { "c-count": [{ exists: false }] } },
    event: d({ state: ["initializing", "running"], "c-count": { c1: 100 } }),
    match: true,
  },
  {
    name: "exists true when the field is not a leaf",
    pattern: { detail: { "c-count": [{ exists: true }] } },
    event: d({ "c-count": { c1: 100 } }),
    match: false,
  },
  {
    name: "exists false on an empty array (no leaf value)",
    pattern: { detail: { tags: [{ exists: false }] } },
    event: d({ tags: [] }),
    match: true,
  },
  {
    name: "exists true on a non-empty array",
    pattern: { detail: { tags: [{ exists: true }] } },
    event: d({ tags: ["a"] }),
    match: true,
  },
  {
    name: "exists true on a null value (null is a leaf value)",
    pattern: { detail: { UserID: [{ exists: true }] } },
    event: d({ UserID: null }),
    match: true,
  },
  {
    name: "exists false below a missing parent",
    pattern: { detail: { order: { id: [{ exists: false }] } } },
    event: {},
    match: true,
  },
  // $or
  {
    name: "$or: PaymentType Credit or Debit (value list)",
    pattern: { detail: { PaymentType: ["Credit", "Debit"] } },
    event: d({ PaymentType: "Debit" }),
    match: true,
  },
  {
    name: "$or: Location or Day",
    pattern: { detail: { $or: [{ Location: ["New York"] }, { Day: ["Monday"] }] } },
    event: d({ Location: "Boston", Day: "Monday" }),
    match: true,
  },
  {
    name: "$or: neither alternative",
    pattern: { detail: { $or: [{ Location: ["New York"] }, { Day: ["Monday"] }] } },
    event: d({ Location: "Boston", Day: "Friday" }),
    match: false,
  },
  {
    name: "$or at the top level with source AND",
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
    pattern: { detail: { $or: { metricType: ["MetricType"] } } },
    event: d({ $or: { metricType: "MetricType" } }),
    match: true,
  },
  // Envelope fields
  {
    name: "envelope: account, region and id",
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
    pattern: { region: ["eu-west-1"] },
    event: {},
    match: false,
  },
  // Complex
  {
    name: "complex example combining operators",
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
