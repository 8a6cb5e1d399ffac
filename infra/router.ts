// The one CloudFront origin users see: `/` the console, `/api` the HTTP API
// (routes are attached by web.ts and api.ts). Created first because Cognito's
// callback URLs and the console's settings need its URL.
// The error codes CloudFront caches for 10 s when the origin says nothing.
const cachedErrorCodes = [400, 403, 404, 405, 414, 416, 500, 501, 502, 503, 504];

export const router = new sst.aws.Router("Console", {
  transform: {
    // API Gateway's own errors (a refused scope, a failed integration) carry
    // no Cache-Control: without this, CloudFront would answer the same caller
    // with a stale error for 10 s after the cause is gone.
    cdn: (args) => {
      args.customErrorResponses = cachedErrorCodes.map((errorCode) => ({
        errorCode,
        errorCachingMinTtl: 0,
      }));
    },
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
