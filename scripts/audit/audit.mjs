// Runs the GraphQL-over-HTTP audits of the graphql-http package against a
// fresh emnkg server on the embedded store, prints every result as a table,
// and exits non-zero when a MUST audit fails (or the server cannot start).
//
// Usage: node audit.mjs [--url http://host:port/graphql] [--json results.json]
// Without --url it starts `go run ./cmd/emnkg serve` on a free loopback
// port with a temporary data directory, and stops it afterwards.

import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serverAudits } from 'graphql-http';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

function arg(name) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

async function waitHealthy(base, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`emnkg exited early with code ${child.exitCode}`);
    }
    try {
      const res = await fetch(`${base}/healthz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`emnkg did not answer ${base}/healthz within ${timeoutMs / 1000}s`);
}

// startServer runs emnkg in its own process group, so that stopping it also
// stops the binary `go run` starts.
async function startServer() {
  const port = await freePort();
  const data = await mkdtemp(join(tmpdir(), 'emnkg-audit-'));
  const child = spawn('go', ['run', './cmd/emnkg', 'serve', '--addr', `127.0.0.1:${port}`, '--data', data], {
    cwd: repo,
    detached: true,
    stdio: ['ignore', 'inherit', 'pipe'],
    env: { ...process.env, EMNKG_LOG_LEVEL: 'warn' },
  });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
    if (stderr.length > 20000) stderr = stderr.slice(-20000);
  });
  const stop = async () => {
    if (child.exitCode === null) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      await new Promise((r) => {
        const t = setTimeout(() => {
          try {
            process.kill(-child.pid, 'SIGKILL');
          } catch {
            // already gone
          }
          r();
        }, 10000);
        child.once('exit', () => {
          clearTimeout(t);
          r();
        });
      });
    }
    await rm(data, { recursive: true, force: true });
  };
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitHealthy(base, child, 300000);
  } catch (err) {
    await stop();
    process.stderr.write(stderr);
    throw err;
  }
  return { url: `${base}/graphql`, stop };
}

function level(name) {
  return name.split(' ')[0];
}

async function main() {
  let url = arg('--url');
  let stop = async () => {};
  if (!url) {
    ({ url, stop } = await startServer());
  }
  let results;
  try {
    const audits = serverAudits({ url });
    results = [];
    for (const audit of audits) {
      results.push(await audit.fn());
    }
  } finally {
    await stop();
  }
  const rows = [];
  for (const r of results) {
    let reason = '';
    if (r.status !== 'ok') {
      reason = r.reason;
      try {
        const body = await r.response.text();
        reason += ` (got ${r.response.status}: ${body.slice(0, 120).replace(/\s+/g, ' ')})`;
      } catch {
        reason += ` (got ${r.response?.status})`;
      }
    }
    rows.push({ id: r.id, level: level(r.name), result: r.status, name: r.name, reason });
  }
  const order = { MUST: 0, SHOULD: 1, MAY: 2 };
  rows.sort((a, b) => order[a.level] - order[b.level] || a.id.localeCompare(b.id));
  console.log('| id | level | result | audit | reason |');
  console.log('|---|---|---|---|---|');
  for (const r of rows) {
    console.log(`| ${r.id} | ${r.level} | ${r.result} | ${r.name} | ${r.reason.replace(/\|/g, '\\|')} |`);
  }
  const count = (lvl, st) => rows.filter((r) => r.level === lvl && (st ? r.result === st : r.result !== 'ok')).length;
  for (const lvl of ['MUST', 'SHOULD', 'MAY']) {
    const total = rows.filter((r) => r.level === lvl).length;
    console.log(`${lvl}: ${total - count(lvl)} of ${total} met`);
  }
  const out = arg('--json');
  if (out) {
    await writeFile(out, JSON.stringify(rows, null, 2) + '\n');
  }
  const mustFailures = rows.filter((r) => r.level === 'MUST' && r.result !== 'ok');
  if (mustFailures.length > 0) {
    console.error(`audit: FAILURE: ${mustFailures.length} MUST audit(s) failed: ${mustFailures.map((r) => r.id).join(', ')}`);
    process.exit(1);
  }
  console.log('audit: every MUST audit passed');
}

main().catch((err) => {
  console.error(`audit: FAILURE: ${err.message}`);
  process.exit(1);
});
