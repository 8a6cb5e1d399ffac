// The one CloudFront origin users see: `/` the console, `/api` the HTTP API
// (routes are attached by web.ts and api.ts). Created first because Cognito's
// callback URLs and the console's settings need its URL.
export const router = new sst.aws.Router("Console", {
  transform: {
    // One default behaviour serves the site and the API. Its cache policy must
    // carry Authorization in the cache key: CloudFront refuses to forward the
    // header any other way and strips it from GET/HEAD otherwise (the API
    // would answer 401). Nothing is cached unless the origin says so
    // (default and minimum TTL 0); the API's responses say `no-store`.
    cachePolicy: (args) => {
      args.defaultTtl = 0;
      args.minTtl = 0;
      args.parametersInCacheKeyAndForwardedToOrigin = $resolve([
        args.parametersInCacheKeyAndForwardedToOrigin,
      ]).apply(([params]) => ({
        ...params!,
        headersConfig: {
          headerBehavior: "whitelist",
          headers: {
            items: [...new Set([...(params?.headersConfig.headers?.items ?? []), "authorization"])],
          },
        },
      }));
    },
  },
});
