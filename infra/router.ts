// The one CloudFront origin users see: `/` the console, `/api` the HTTP API
// (routes are attached by web.ts and api.ts). Created first because Cognito's
// callback URLs and the console's settings need its URL.
export const router = new sst.aws.Router("Console");
