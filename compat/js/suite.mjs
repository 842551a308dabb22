// Coffer compatibility suite: the unmodified Azure SDK for JavaScript against a running Coffer.
// Reads the settings `coffer dev` writes, runs each scenario, prints a table and a closing
// `N passed, N failed` line; exits 1 if any scenario failed.
import { ClientSecretCredential, DefaultAzureCredential } from "@azure/identity";
import { SecretClient } from "@azure/keyvault-secrets";
import { createRequire } from "node:module";
import { randomUUID } from "node:crypto";

const env = process.env;
const VAULT_URL = env.VAULT_URL;
// Drop-in: Coffer answers under Azure's own names, so credentials are built exactly as for Azure.
const DROPIN = env.COFFER_DROPIN === "1";
const AUTHORITY = env.AZURE_AUTHORITY_HOST;
const RUN = randomUUID().slice(0, 8);
const name = (label) => `js-${label}-${RUN}`;
const LABEL = DROPIN ? "js-dropin" : "js";

// Under private names Coffer is not a Microsoft login host, so instance discovery is switched off.
const credential = (secret = env.AZURE_CLIENT_SECRET) =>
  DROPIN
    ? new ClientSecretCredential(env.AZURE_TENANT_ID, env.AZURE_CLIENT_ID, secret)
    : new ClientSecretCredential(env.AZURE_TENANT_ID, env.AZURE_CLIENT_ID, secret, {
        authorityHost: AUTHORITY,
        disableInstanceDiscovery: true,
      });
const client = new SecretClient(VAULT_URL, credential());

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

async function rejects(promise, check) {
  try {
    await promise;
  } catch (e) {
    check(e);
    return;
  }
  throw new Error("expected a failure");
}

const scenarios = {
  async set_and_get() {
    const created = await client.setSecret(name("basic"), "from-js", {
      contentType: "text/plain",
      tags: { team: "data" },
    });
    const got = await client.getSecret(name("basic"));
    assert(got.value === "from-js", got.value);
    assert(got.properties.contentType === "text/plain", "contentType");
    assert(got.properties.tags.team === "data", "tags");
    assert(got.properties.version === created.properties.version, "version");
  },
  async versions() {
    const first = (await client.setSecret(name("versions"), "one")).properties.version;
    await client.setSecret(name("versions"), "two");
    assert((await client.getSecret(name("versions"))).value === "two", "latest");
    assert((await client.getSecret(name("versions"), { version: first })).value === "one", "by version");
    const listed = [];
    for await (const p of client.listPropertiesOfSecretVersions(name("versions"))) listed.push(p.version);
    assert(listed.length === 2 && listed.includes(first), JSON.stringify(listed));
  },
  async list_pages() {
    for (let i = 0; i < 30; i++) await client.setSecret(`${name("page")}-${i}`, "v");
    let mine = 0;
    for await (const page of client.listPropertiesOfSecrets().byPage({ maxPageSize: 7 })) {
      mine += page.filter((p) => p.name.startsWith(name("page"))).length;
    }
    assert(mine === 30, `listed ${mine}`);
  },
  async update_properties() {
    const set = await client.setSecret(name("update"), "keep");
    await client.updateSecretProperties(name("update"), set.properties.version, { enabled: false });
    await rejects(client.getSecret(name("update")), (e) => assert(e.statusCode === 403, `status ${e.statusCode}`));
    await client.updateSecretProperties(name("update"), set.properties.version, { enabled: true });
    assert((await client.getSecret(name("update"))).value === "keep", "value after update");
  },
  async delete_and_recover() {
    await client.setSecret(name("recover"), "back");
    const deleted = await (await client.beginDeleteSecret(name("recover"))).pollUntilDone();
    assert(deleted.properties.recoveryId.endsWith(`/deletedsecrets/${name("recover")}`), "recoveryId");
    assert((await client.getDeletedSecret(name("recover"))).name === name("recover"), "get deleted");
    await (await client.beginRecoverDeletedSecret(name("recover"))).pollUntilDone();
    assert((await client.getSecret(name("recover"))).value === "back", "recovered value");
  },
  async delete_and_purge() {
    await client.setSecret(name("purge"), "gone");
    await (await client.beginDeleteSecret(name("purge"))).pollUntilDone();
    await rejects(client.setSecret(name("purge"), "again"), (e) => assert(e.statusCode === 409, `status ${e.statusCode}`));
    await client.purgeDeletedSecret(name("purge"));
    await rejects(client.getDeletedSecret(name("purge")), (e) => assert(e.statusCode === 404, `status ${e.statusCode}`));
  },
  async backup_and_restore() {
    await client.setSecret(name("backup"), "saved");
    const blob = await client.backupSecret(name("backup"));
    await (await client.beginDeleteSecret(name("backup"))).pollUntilDone();
    await client.purgeDeletedSecret(name("backup"));
    const restored = await client.restoreSecretBackup(blob);
    assert(restored.name === name("backup"), "restored name");
    assert((await client.getSecret(name("backup"))).value === "saved", "restored value");
  },
  async missing_secret_is_not_found() {
    await rejects(client.getSecret(name("absent")), (e) => assert(e.statusCode === 404, `status ${e.statusCode}`));
  },
  async wrong_client_secret_is_refused() {
    const bad = new SecretClient(VAULT_URL, credential("wrong-secret"));
    await rejects(bad.getSecret(name("basic")), (e) => assert(String(e.message).includes("AADSTS7000215"), e.message));
  },
  async default_credential_from_environment() {
    const viaDefault = new SecretClient(
      VAULT_URL,
      DROPIN ? new DefaultAzureCredential() : new DefaultAzureCredential({ disableInstanceDiscovery: true }),
    );
    assert((await viaDefault.getSecret(name("basic"))).value === "from-js", "value");
  },
};

const require = createRequire(import.meta.url);
const version = (pkg) => require(`${pkg}/package.json`).version;
console.log(
  `@azure/identity ${version("@azure/identity")}, @azure/keyvault-secrets ${version("@azure/keyvault-secrets")}, Node ${process.version}`,
);
const results = [];
for (const [scenario, run] of Object.entries(scenarios)) {
  const started = Date.now();
  try {
    await run();
    results.push([scenario, "pass", "", Date.now() - started]);
  } catch (e) {
    results.push([scenario, "FAIL", `${e.name}: ${String(e.message).split("\n")[0].slice(0, 120)}`, Date.now() - started]);
    console.error(e);
  }
}
console.log(`${(LABEL + " scenario").padEnd(42)} ${"result".padEnd(6)} ${"ms".padStart(6)}  detail`);
for (const [scenario, result, detail, ms] of results) {
  console.log(`${scenario.padEnd(42)} ${result.padEnd(6)} ${String(ms).padStart(6)}  ${detail}`);
}
const failed = results.filter((r) => r[1] !== "pass").length;
console.log(`${LABEL}: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
