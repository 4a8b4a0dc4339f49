#!/usr/bin/env node
/**
 * Takes screenshots of pages with Debian's headless Chromium, driven over the DevTools protocol
 * (needs a Node with a global WebSocket: Node 22+, e.g. the Node 24 that scripts/n8n/install.sh
 * installs, or Node 20 with --experimental-websocket).
 *
 *   node scripts/n8n/cdp-screenshot.js plan.json
 *
 * plan.json: {
 *   "cookies": [{ "name": "n8n-auth", "value": "…", "url": "http://127.0.0.1:5678" }],
 *   "localStorage": { "origin": "http://127.0.0.1:5678", "items": { "key": "value" } },
 *   "shots": [{ "url": "…", "file": "docs/x.png", "width": 1440, "height": 900, "waitMs": 4000,
 *               "waitForText": "Microsoft Graph Mail", "script": "optional JS run before the shot" }]
 * }
 * Chromium only reaches 127.0.0.1: every other host name resolves to nothing.
 */
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const net = require('net');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function chromiumPath() {
  for (const p of ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome']) if (fs.existsSync(p)) return p;
  throw new Error('chromium not found: apt-get install -y chromium');
}

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function main() {
  const plan = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const port = await freePort();
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chromium-shots-'));
  const args = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-default-apps',
    '--disable-extensions',
    '--metrics-recording-only',
    '--no-default-browser-check',
    '--hide-scrollbars',
    '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
    `--user-data-dir=${userDataDir}`,
    `--remote-debugging-port=${port}`,
    '--remote-debugging-address=127.0.0.1',
    'about:blank',
  ];
  const chrome = spawn(chromiumPath(), args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let chromeErr = '';
  chrome.stderr.on('data', (d) => (chromeErr = (chromeErr + d).slice(-4000)));
  try {
    let target;
    for (let i = 0; i < 100 && !target; i++) {
      try {
        const list = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
        target = list.find((t) => t.type === 'page');
      } catch {
        await sleep(200);
      }
    }
    if (!target) throw new Error(`chromium did not start: ${chromeErr}`);
    const ws = new WebSocket(target.webSocketDebuggerUrl);
    await new Promise((res, rej) => {
      ws.onopen = res;
      ws.onerror = rej;
    });
    let nextId = 1;
    const pending = new Map();
    const events = [];
    ws.onmessage = (m) => {
      const msg = JSON.parse(typeof m.data === 'string' ? m.data : m.data.toString());
      if (msg.id && pending.has(msg.id)) {
        const { resolve, reject } = pending.get(msg.id);
        pending.delete(msg.id);
        if (msg.error) reject(new Error(JSON.stringify(msg.error)));
        else resolve(msg.result);
      } else if (msg.method) events.push(msg);
    };
    const send = (method, params = {}) =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        ws.send(JSON.stringify({ id, method, params }));
      });
    const evaluate = async (expression) =>
      (await send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true })).result?.value;

    await send('Page.enable');
    await send('Network.enable');
    await send('Runtime.enable');
    for (const c of plan.cookies ?? []) await send('Network.setCookie', c);
    if (plan.localStorage) {
      await send('Page.navigate', { url: plan.localStorage.origin + '/favicon.ico' });
      await sleep(500);
      for (const [k, v] of Object.entries(plan.localStorage.items))
        await evaluate(`localStorage.setItem(${JSON.stringify(k)}, ${JSON.stringify(v)})`);
    }
    for (const shot of plan.shots) {
      const width = shot.width ?? 1440;
      const height = shot.height ?? 900;
      await send('Emulation.setDeviceMetricsOverride', { width, height, deviceScaleFactor: 1, mobile: false });
      if (shot.url) await send('Page.navigate', { url: shot.url });
      const t0 = Date.now();
      if (shot.waitForText) {
        while (Date.now() - t0 < (shot.timeoutMs ?? 30000)) {
          const found = await evaluate(`document.body && document.body.innerText.includes(${JSON.stringify(shot.waitForText)})`).catch(() => false);
          if (found) break;
          await sleep(300);
        }
      }
      if (shot.script) await evaluate(`(async () => { ${shot.script} })()`).catch((e) => console.error(`script failed: ${e.message}`));
      await sleep(shot.waitMs ?? 2500);
      const { data } = await send('Page.captureScreenshot', { format: 'png' });
      fs.mkdirSync(path.dirname(shot.file), { recursive: true });
      fs.writeFileSync(shot.file, Buffer.from(data, 'base64'));
      const title = await evaluate('document.title').catch(() => '');
      console.log(JSON.stringify({ file: shot.file, url: shot.url, title, ms: Date.now() - t0 }));
    }
    ws.close();
  } finally {
    chrome.kill('SIGTERM');
    await sleep(300);
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
