// The sandbox's own server (npm start's scripts/serve.mjs): a request path that does not decode or parse is a 400,
// and the server goes on serving (an async handler's rejection used to be unhandled, which ends the process).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startServer } from '../../scripts/serve.mjs';

/** The status `path` gets, sent as written (`fetch` would tidy or refuse it). */
const rawStatus = (base, path) => new Promise((resolve, reject) => {
  const url = new URL(base);
  http.get({ host: url.hostname, port: url.port, path }, (res) => { res.resume(); resolve(res.statusCode); }).on('error', reject);
});

test('a path that does not decode (/%zz, a cut UTF-8 escape) is a 400 and the sandbox goes on serving', async () => {
  const unhandled = [];
  const heard = (reason) => unhandled.push(reason);
  process.on('unhandledRejection', heard);
  const server = await startServer();
  try {
    for (const path of ['/%zz', '/build/%E0%A4%A', '/www/%']) assert.equal(await rawStatus(server.url, path), 400, path);
    assert.equal(await rawStatus(server.url, '/'), 200, 'still serving');
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(unhandled, []);
  } finally {
    process.off('unhandledRejection', heard);
    await server.close();
  }
});
