// The @azure/identity credential paths that cannot be pointed anywhere, against Coffer in drop-in
// mode (run by compat/dropin/inside on Node 20): managed identity through Coffer's identity agent
// in both shapes (IMDS at 169.254.169.254, App Service via IDENTITY_ENDPOINT + IDENTITY_HEADER),
// system- and user-assigned; username/password; the interactive browser sign-in, with a headless
// Chromium as the browser (BROWSER). Each credential is built exactly as for Azure.
// Prints a table and a closing `N passed, N failed` line; exits 1 if any scenario failed.
//
// msal-node picks the managed-identity source once per process (a static), as a process on a real
// host only ever sees one: each App Service scenario runs in a child process of its own
// (`node identity.mjs --only <scenario>`), with that host's environment.
import {
  DefaultAzureCredential,
  InteractiveBrowserCredential,
  ManagedIdentityCredential,
  ClientSecretCredential,
  UsernamePasswordCredential,
} from "@azure/identity";
import { SecretClient } from "@azure/keyvault-secrets";
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const env = process.env;
const VAULT_URL = env.VAULT_URL;
const TENANT = env.AZURE_TENANT_ID;
const SYSTEM = env.DROPIN_SYSTEM_IDENTITY_ID;
const USER = env.DROPIN_USER_IDENTITY_ID;
const SCOPE = "https://vault.azure.net/.default";
// The Azure CLI's public client id, the usual client of a user sign-in from a tool.
const CLI_CLIENT_ID = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";
const RUN = env.DROPIN_JS_RUN ?? randomUUID().slice(0, 8);
const name = (label) => `jsid-${label}-${RUN}`;

// The application credential of dev.env, for writing the secrets the identities then read; kept
// before the host's environment is put in place.
const APP = { id: env.AZURE_CLIENT_ID, secret: env.AZURE_CLIENT_SECRET };
const WRITER = new SecretClient(VAULT_URL, new ClientSecretCredential(TENANT, APP.id, APP.secret));

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

// A workload on an Azure host has none of the AZURE_* application variables.
for (const key of ["AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET"]) delete env[key];

// Asked as SecretClient asks (CAE on), so that the client then finds the same token cached.
async function claims(credential) {
  const token = await credential.getToken(SCOPE, { enableCae: true });
  return JSON.parse(Buffer.from(token.token.split(".")[1], "base64url").toString());
}

// The credential's token is the identity's own, and it reads a secret with it.
async function readsAs(credential, clientId, label) {
  const appid = (await claims(credential)).appid;
  assert(appid === clientId, `token of ${appid}, expected ${clientId}`);
  await WRITER.setSecret(name(label), clientId);
  const got = await new SecretClient(VAULT_URL, credential).getSecret(name(label));
  assert(got.value === clientId, got.value);
}

// Runs one scenario in a child process whose environment is an App Service host's.
function onAppService(scenario, header = env.DROPIN_IDENTITY_HEADER) {
  execFileSync(process.execPath, [fileURLToPath(import.meta.url), "--only", scenario], {
    env: {
      ...process.env,
      AZURE_TENANT_ID: TENANT,
      AZURE_CLIENT_ID: APP.id,
      AZURE_CLIENT_SECRET: APP.secret,
      IDENTITY_ENDPOINT: env.DROPIN_IDENTITY_ENDPOINT,
      IDENTITY_HEADER: header,
      DROPIN_JS_RUN: RUN,
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
}

// Scenarios run in the App Service child; each throws on failure.
const appServiceScenarios = {
  async system_assigned() {
    await readsAs(new ManagedIdentityCredential(), SYSTEM, "appsvc");
  },
  async user_assigned() {
    await readsAs(new ManagedIdentityCredential({ clientId: USER }), USER, "appsvc-user");
  },
  async default_credential_user_assigned() {
    await readsAs(new DefaultAzureCredential({ managedIdentityClientId: USER }), USER, "appsvc-default");
  },
  async wrong_header() {
    try {
      await new ManagedIdentityCredential().getToken(SCOPE);
    } catch (e) {
      // The agent's App Service endpoint refused it (IMDS would not have asked for the header).
      assert(String(e.message).includes("X-IDENTITY-HEADER"), e.message);
      return;
    }
    throw new Error("a token without the identity header");
  },
};

const scenarios = {
  async managed_identity_from_imds() {
    // No client id: the host's system-assigned identity.
    await readsAs(new ManagedIdentityCredential(), SYSTEM, "mi");
  },
  async user_assigned_from_imds() {
    await readsAs(new ManagedIdentityCredential({ clientId: USER }), USER, "mi-user");
  },
  async default_credential_user_assigned_from_imds() {
    await readsAs(new DefaultAzureCredential({ managedIdentityClientId: USER }), USER, "default-user");
  },
  async managed_identity_from_app_service() {
    onAppService("system_assigned");
  },
  async user_assigned_from_app_service() {
    onAppService("user_assigned");
  },
  async default_credential_user_assigned_from_app_service() {
    onAppService("default_credential_user_assigned");
  },
  async app_service_refuses_a_wrong_header() {
    onAppService("wrong_header", "not-the-header");
  },
  async username_password_in_the_tenant() {
    const credential = new UsernamePasswordCredential(TENANT, CLI_CLIENT_ID, env.DROPIN_USER, env.DROPIN_PASSWORD);
    assert((await claims(credential)).upn === env.DROPIN_USER, "upn");
    const client = new SecretClient(VAULT_URL, credential);
    await client.setSecret(name("ropc"), "by-ada");
    assert((await client.getSecret(name("ropc"))).value === "by-ada", "read back");
  },
  async wrong_password_is_refused() {
    const credential = new UsernamePasswordCredential(TENANT, CLI_CLIENT_ID, env.DROPIN_USER, "not the passphrase");
    try {
      await credential.getToken(SCOPE);
    } catch (e) {
      assert(String(e.message).includes("AADSTS50126"), e.message);
      return;
    }
    throw new Error("a wrong password was accepted");
  },
  async interactive_browser_sign_in() {
    // The SDK's own flow on Node: msal-node listens on a loopback port and opens the sign-in page
    // with `open`, i.e. xdg-open, i.e. BROWSER: a headless Chromium signing in as Ada.
    const credential = new InteractiveBrowserCredential({ tenantId: TENANT, redirectUri: "http://localhost" });
    assert((await claims(credential)).upn === env.DROPIN_USER, "upn");
    const client = new SecretClient(VAULT_URL, credential);
    await client.setSecret(name("browser"), "signed-in");
    assert((await client.getSecret(name("browser"))).value === "signed-in", "read back");
  },
};

// CI installs chromium (.ci/run); only a developer machine may lack it.
if (!existsSync("/usr/bin/chromium") && env.CI !== "true") {
  delete scenarios.interactive_browser_sign_in;
  console.log("js-identity-dropin: interactive_browser_sign_in skipped: chromium is not installed (apt-get install chromium)");
}

const only = process.argv.indexOf("--only");
if (only >= 0) {
  await appServiceScenarios[process.argv[only + 1]]();
  process.exit(0);
}

const version = createRequire(import.meta.url)("@azure/identity/package.json").version;
console.log(`@azure/identity ${version}, Node ${process.version}`);
const results = [];
for (const [label, scenario] of Object.entries(scenarios)) {
  const started = Date.now();
  try {
    await scenario();
    results.push([label, "pass", "", Date.now() - started]);
  } catch (e) {
    console.error(e);
    const detail = `${e.name}: ${String(e.message).split("\n")[0].slice(0, 150)}`;
    results.push([label, "FAIL", detail, Date.now() - started]);
  }
}
console.log(`${"js-identity-dropin scenario".padEnd(42)} ${"result".padEnd(6)} ${"ms".padStart(6)}  detail`);
for (const [label, outcome, detail, ms] of results) {
  console.log(`${label.padEnd(42)} ${outcome.padEnd(6)} ${String(ms).padStart(6)}  ${detail}`);
}
const failed = results.filter((r) => r[1] !== "pass").length;
console.log(`js-identity-dropin: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
