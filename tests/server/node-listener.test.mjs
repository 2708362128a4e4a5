// toNodeListener's connection handling: a request answered before its body was read to the end (a 413 decided
// on Content-Length) gets its answer and then the connection closes; kept open, it would wait for a body that
// nobody reads while the client, still sending, stalls (a flaky timeout in the dev-tooling suite under load).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { once } from 'node:events';
import { toNodeListener } from '../../js/server/index.js';
import { readJsonBody } from '../../js/server/request-body.js';

async function answerAndClose(head, body) {
  const server = http.createServer(toNodeListener(async (request) => {
    const read = await readJsonBody(request);
    return Response.json({ reason: read.reason ?? null }, { status: read.status ?? 200 });
  }));
  server.keepAliveTimeout = 65_000; // as partners behind a load balancer set it: Node's 5 s default would hide a leak
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const socket = net.connect(server.address().port, '127.0.0.1');
  let answer = '';
  socket.on('data', (chunk) => { answer += chunk; });
  socket.write(`POST /api/iap/grant HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n${head}\r\n\r\n${body}`);
  // The body is never finished: only the server closing ends this wait (the test runner's timeout would fail it).
  const closed = once(socket, 'close');
  const timer = setTimeout(() => socket.destroy(new Error('the connection stayed open after the answer')), 10_000);
  try {
    await closed;
  } finally {
    clearTimeout(timer);
    server.close();
  }
  return answer.split('\r\n')[0];
}

test('a body declared too big is answered 413 and the connection closes, though the client is still sending', async () => {
  assert.equal(await answerAndClose('Content-Length: 10000000', 'x'.repeat(1024)), 'HTTP/1.1 413 Payload Too Large');
});

test('a chunked body that passes the cap is answered 413 and the connection closes', async () => {
  assert.equal(await answerAndClose('Transfer-Encoding: chunked', `8000\r\n${'x'.repeat(0x8000)}\r\n`), 'HTTP/1.1 413 Payload Too Large');
});

test('an HTTP/2 request (node:http2 compatibility API) reaches the handler: its pseudo-headers are not copied, :authority is its host', async () => {
  const http2 = await import('node:http2');
  const server = http2.createServer(toNodeListener(async (request) => {
    const read = await readJsonBody(request);
    return Response.json({ url: request.url, key: request.headers.get('idempotency-key'), orderId: read.value?.orderId ?? null });
  }));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const client = http2.connect(`http://127.0.0.1:${server.address().port}`);
  try {
    const stream = client.request({ ':method': 'POST', ':path': '/api/iap/grant?x=1', 'content-type': 'application/json', 'idempotency-key': 'o-1' });
    stream.end(JSON.stringify({ orderId: 'o-1' }));
    const [headers] = await once(stream, 'response');
    let body = '';
    for await (const chunk of stream) body += chunk;
    assert.equal(headers[':status'], 200, body);
    assert.deepEqual(JSON.parse(body), { url: `http://127.0.0.1:${server.address().port}/api/iap/grant?x=1`, key: 'o-1', orderId: 'o-1' });
  } finally {
    client.close();
    server.close();
  }
});
