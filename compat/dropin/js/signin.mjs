// Signs in on a login page as a person would, in Debian's headless Chromium driven by Playwright:
// opens the URL, types DROPIN_USER and DROPIN_PASSWORD, submits, and waits until the page has gone
// back to the loopback redirect of the application that asked.
//   node signin.mjs <authorize url>
// Chromium trusts exactly Coffer's server certificate (DROPIN_SERVER_CERT, by its public key),
// as a browser on a machine that trusts Coffer's CA would, and nothing else.
import { chromium } from "playwright-core";
import { X509Certificate, createHash } from "node:crypto";
import { readFileSync } from "node:fs";

const url = process.argv[2];
const certificate = new X509Certificate(readFileSync(process.env.DROPIN_SERVER_CERT));
const spki = createHash("sha256")
  .update(certificate.publicKey.export({ type: "spki", format: "der" }))
  .digest("base64");

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: [`--ignore-certificate-errors-spki-list=${spki}`],
});
try {
  const page = await browser.newPage();
  console.log(`signin: opening ${new URL(url).origin}${new URL(url).pathname}`);
  await page.goto(url);
  await page.fill("#login", process.env.DROPIN_USER);
  await page.fill("#passwd", process.env.DROPIN_PASSWORD);
  const loopback = (u) => u.protocol === "http:" && ["localhost", "127.0.0.1", "[::1]"].includes(u.hostname);
  await Promise.all([page.waitForURL(loopback, { timeout: 60_000 }), page.click("#submit")]);
  console.log(`signin: redirected to ${new URL(page.url()).origin}`);
} finally {
  await browser.close();
}
