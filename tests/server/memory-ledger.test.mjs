// memoryLedger is for unit tests: with NODE_ENV=production it refuses to be made unless the risk is said out loud.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memoryLedger } from '../../js/server/index.js';

test('memoryLedger with NODE_ENV=production throws MEMORY_LEDGER_IN_PRODUCTION, unless { iUnderstandGrantsAreLostOnRestart: true }', async () => {
  const saved = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    assert.throws(() => memoryLedger(), { code: 'MEMORY_LEDGER_IN_PRODUCTION', message: /lost on restart/ });
    assert.throws(() => memoryLedger({ iUnderstandGrantsAreLostOnRestart: 'yes' }), { code: 'MEMORY_LEDGER_IN_PRODUCTION' }, 'only true says it');
    const ledger = memoryLedger({ iUnderstandGrantsAreLostOnRestart: true });
    assert.deepEqual(await ledger.grantOnce({ orderId: 'o-1', sku: 'gem.100', userKey: 'u', environment: 'sandbox' }, () => {}), { granted: true, alreadyGranted: false });
  } finally {
    if (saved === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = saved;
  }
  assert.doesNotThrow(() => memoryLedger(), 'outside production, as before');
});
