// The Chromium flags every browser check uses: one list, imported by check.mjs and
// packet-check.mjs.

// Chromium flags: headless, sandbox-less (CI runs as root), and no traffic of its own
// (no QUIC, background fetches, component updates, sync, DNS, or direct connections:
// every host resolves to nothing and every proxied connection goes to a closed port).
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  '--disable-extensions',
  '--disable-domain-reliability',
  '--disable-breakpad',
  '--metrics-recording-only',
  '--no-pings',
  '--disable-features=OptimizationHints,MediaRouter,Translate,AutofillServerCommunication,CertificateTransparencyComponentUpdater',
  '--host-resolver-rules=MAP * ~NOTFOUND',
  '--proxy-server=http://127.0.0.1:9',
  '--proxy-bypass-list=<-loopback>',
];


import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

// Starts Chromium in a fresh profile with CHROMIUM_ARGS, every request that leaves the
// machine (anything but file:, data:, blob:, about:) blocked and recorded in `external`.
// Exits 2 when the browser cannot start. `close()` ends it and removes the profile.
export async function launch(executablePath, options = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'qbank-chromium-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      args: CHROMIUM_ARGS,
      serviceWorkers: 'block',
      timeout: 60_000,
      ...options,
    });
  } catch (e) {
    rmSync(profile, { recursive: true, force: true });
    console.error(`error: could not start ${executablePath}: ${e.message}`);
    process.exit(2);
  }
  const external = new Set();
  const localUrl = (u) => /^(file|data|blob|about):/i.test(u);
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (localUrl(url)) return route.continue();
    external.add(url);
    return route.abort('blockedbyclient');
  });
  context.on('request', (r) => {
    if (!localUrl(r.url())) external.add(r.url());
  });
  const close = async () => {
    await context.close().catch(() => {});
    rmSync(profile, { recursive: true, force: true });
  };
  return { context, external, close };
}
