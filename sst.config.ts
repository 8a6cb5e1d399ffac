/// <reference path="./.sst/platform/config.d.ts" />

// The order pipeline on AWS. Each infra module provisions one concern from the
// shared topology (packages/core/src/topology); they import each other's
// exports, so the resource graph reads from the imports. The order below is
// `concernOrder` in infra/wiring.ts, which the topology tests check.
export default $config({
  app(input) {
    return {
      name: "orders",
      removal: input?.stage === "production" ? "retain" : "remove",
      protect: input?.stage === "production",
      home: "aws",
    };
  },
  async run() {
    await import("./infra/storage");
    await import("./infra/queues");
    await import("./infra/bus");
    await import("./infra/notifications");
    await import("./infra/config");
    const { router } = await import("./infra/router");
    const auth = await import("./infra/auth");
    await import("./infra/payment-sandbox");
    await import("./infra/notification-sandbox");
    await import("./infra/consumers");
    await import("./infra/saga");
    await import("./infra/streams");
    await import("./infra/rules");
    const { httpApi } = await import("./infra/api");
    await import("./infra/web");
    const { alarmTopic } = await import("./infra/alarms");

    return {
      console: router.url,
      api: $interpolate`${router.url}/api`,
      apiGateway: httpApi.url,
      userPoolId: auth.userPool.id,
      userPoolClientId: auth.client.id,
      issuer: auth.issuer,
      alarmTopic: alarmTopic.arn,
    };
  },
});
