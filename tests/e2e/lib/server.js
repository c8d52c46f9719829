// Finds what the browser tests need (chromium, the storyweave binary, the sample articles)
// and runs `storyweave serve` on a fresh store.
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const repoRoot = path.resolve(__dirname, '..', '..', '..');

/** Debian's chromium (the tests never use a browser build of Playwright's own). */
function chromiumPath() {
  if (process.env.STORYWEAVE_CHROMIUM) return process.env.STORYWEAVE_CHROMIUM;
  return ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => fs.existsSync(p)) || '/usr/bin/chromium';
}

/** The storyweave binary: STORYWEAVE_BIN, else the newer of the debug and release builds. */
function storyweaveBinary() {
  if (process.env.STORYWEAVE_BIN) return process.env.STORYWEAVE_BIN;
  const target = process.env.CARGO_TARGET_DIR ? path.resolve(repoRoot, process.env.CARGO_TARGET_DIR) : path.join(repoRoot, 'target');
  const found = ['debug', 'release']
    .map((p) => path.join(target, p, 'storyweave'))
    .filter((p) => fs.existsSync(p))
    .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
  if (!found.length) throw new Error(`no storyweave binary under ${target}: run \`cargo build -p storyweave-cli\` (tests/e2e/run.sh does)`);
  return found[0];
}

/** ../shared/samples beside the repository (or STORYWEAVE_SAMPLES), when present. */
function samplesDir() {
  const dir = process.env.STORYWEAVE_SAMPLES || path.join(repoRoot, '..', 'shared', 'samples');
  return fs.existsSync(dir) && fs.statSync(dir).isDirectory() ? dir : null;
}

/** The samples as API records: the id is the first three characters of the file name. */
function sampleArticles(dir) {
  return fs.readdirSync(dir)
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .map((f) => ({ id: f.slice(0, 3), text: fs.readFileSync(path.join(dir, f), 'utf8') }));
}

/**
 * Starts `storyweave --db TMP serve --addr 127.0.0.1:0` and waits for the address it prints.
 * Returns { base, post(records), stop(), log() }.
 */
async function startServer() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'storyweave-e2e-'));
  const bin = storyweaveBinary();
  const child = spawn(bin, ['--db', path.join(tmp, 'e2e.db'), 'serve', '--addr', '127.0.0.1:0'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  const base = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not say where it listens within 60 s:\n${log}`)), 60_000);
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk) => {
      log += chunk;
      const m = /serving on (http:\/\/\S+?)\/?\s/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${bin} exited with ${code} before serving:\n${log}`));
    });
  });
  return {
    base,
    log: () => log,
    /** Posts records as JSON lines; returns { status, body }. */
    async post(records) {
      const res = await fetch(`${base}/api/articles`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: records.map((r) => JSON.stringify(r)).join('\n'),
      });
      return { status: res.status, body: await res.json() };
    },
    async stop() {
      if (child.exitCode == null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        const timeout = new Promise((resolve) => setTimeout(resolve, 20_000, 'timeout'));
        if ((await Promise.race([exited, timeout])) === 'timeout') child.kill('SIGKILL');
      }
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
}

module.exports = { repoRoot, chromiumPath, storyweaveBinary, samplesDir, sampleArticles, startServer };
