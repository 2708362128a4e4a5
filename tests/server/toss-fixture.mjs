// The emulated Toss server over mTLS (throwaway CA) and a Toss API client for it, as most server suites need them.
import { createTossApi } from '../../js/server/index.js';
import { testCertificates } from '../../server/certs.mjs';
import { createTossServer } from '../../server/toss-server.mjs';

/** Resolves `{ certs, toss, tls, api, close }`: `toss` the emulated server's state, `api` a client of it. */
export async function startToss() {
  const certs = testCertificates();
  const toss = createTossServer();
  const tls = await toss.listenTls(certs);
  const api = createTossApi({ ...certs.client, ca: certs.ca, baseUrl: tls.url, timeoutMs: 1000 });
  return { certs, toss, tls, api, close: async () => { api.close(); await tls.close(); } };
}
