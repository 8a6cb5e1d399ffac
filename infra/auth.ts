import { auth as authSpec, scopes, webConsole } from "../packages/core/src/topology";
import { router } from "./router";

// Cognito: customers and operators sign in to the console with the code flow
// and PKCE (public client, no secret); access tokens carry the `orders/*`
// scopes the HTTP API's JWT authorizer checks, and operators are in the
// `ops` group the admin API checks.

const region = aws.getRegionOutput().region;
const account = aws.getCallerIdentityOutput().accountId;

export const userPool = new sst.aws.CognitoUserPool("UserPool", {
  usernames: ["email"],
  // Cognito prefix domains are global per region: the account id keeps ours unique.
  domain: { prefix: $interpolate`${$app.name}-${$app.stage.toLowerCase()}-${account}` },
  transform: {
    userPool: (args) => {
      args.deletionProtection = $app.stage === "production" ? "ACTIVE" : "INACTIVE";
      args.passwordPolicy = {
        minimumLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireNumbers: true,
        requireSymbols: false,
        temporaryPasswordValidityDays: 3,
      };
    },
  },
});

const scopeNames = Object.values(scopes).map((scope) => {
  const [server, name] = scope.split("/");
  if (server !== authSpec.resourceServer || !name)
    throw new Error(`scope ${scope} is not under the ${authSpec.resourceServer} resource server`);
  return name;
});

export const resourceServer = new aws.cognito.ResourceServer("OrdersResourceServer", {
  userPoolId: userPool.id,
  identifier: authSpec.resourceServer,
  name: authSpec.resourceServer,
  scopes: scopeNames.map((scopeName) => ({
    scopeName,
    scopeDescription: `${scopeName} orders`,
  })),
});

export const operators = new aws.cognito.UserGroup("OperatorGroup", {
  userPoolId: userPool.id,
  name: authSpec.operatorGroup,
  description: "Operators: may use the admin API (approvals, DLQ redrive, replay)",
});

// `sst dev` serves the console from Vite's dev server instead of CloudFront.
export const devOrigins = $app.stage === "production" ? [] : ["http://localhost:5173"];

// Not "Console": that is the Router's name, and SST aborts on two top-level
// components with one name (`sst deploy` and `sst dev` stop before creating anything).
export const client = userPool.addClient("ConsoleClient", {
  callbackUrls: [
    $interpolate`${router.url}${authSpec.callbackPath}`,
    ...devOrigins.map((origin) => `${origin}${authSpec.callbackPath}`),
  ],
  transform: {
    client: (args, opts) => {
      args.generateSecret = false;
      args.allowedOauthFlows = ["code"];
      args.allowedOauthScopes = ["openid", "email", "profile", ...Object.values(scopes)];
      args.explicitAuthFlows = ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"];
      args.logoutUrls = [$interpolate`${router.url}/`, ...devOrigins.map((origin) => `${origin}/`)];
      args.preventUserExistenceErrors = "ENABLED";
      args.supportedIdentityProviders = ["COGNITO"];
      args.accessTokenValidity = 60;
      args.idTokenValidity = 60;
      args.tokenValidityUnits = {
        accessToken: "minutes",
        idToken: "minutes",
        refreshToken: "days",
      };
      // The client may only ask for scopes that exist.
      opts.dependsOn = [resourceServer];
    },
  },
});

export const issuer = $interpolate`https://cognito-idp.${region}.amazonaws.com/${userPool.id}`;

/** What the admin API needs to check a caller: the operator group and who issued the token. */
export const authLink = new sst.Linkable("Auth", {
  properties: {
    operatorGroup: authSpec.operatorGroup,
    issuer,
    clientId: client.id,
  },
});

/** OIDC scopes the console asks for. */
export const consoleScopes = ["openid", "email", "profile", ...Object.values(scopes)].join(" ");
export const consoleEnv = {
  [webConsole.env.oidcAuthority]: issuer,
  [webConsole.env.oidcClientId]: client.id,
  [webConsole.env.oidcScope]: consoleScopes,
};
