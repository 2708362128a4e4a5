// ait-iap/host-emulator's hasTossHost(): what the examples' development-only install asks before installing the
// emulator (`if (import.meta.env.DEV && !hasTossHost())`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hasTossHost, installHostEmulator } from '../dist/host-emulator.js';

test('hasTossHost() is false without a host, true inside one (the Toss WebView\'s bridge, or the emulator), false again after', () => {
  assert.equal(hasTossHost(), false, 'no host in Node');
  globalThis.ReactNativeWebView = { postMessage() {} }; // what the Toss app's WebView gives the page
  try {
    assert.equal(hasTossHost(), true);
  } finally {
    delete globalThis.ReactNativeWebView;
  }
  const host = installHostEmulator({ storageKey: null });
  try {
    assert.equal(hasTossHost(), true, 'the emulator is a host: a second install is not needed');
  } finally {
    host.uninstall();
  }
  assert.equal(hasTossHost(), false);
});
