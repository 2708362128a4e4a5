// The module instance's exports for the benchmark pages, caught as the entry instantiates the module: the
// wasm-bindgen glue is bundled into the entry and does not hand them out.

/** Runs `init` (the entry's, given the .wasm's bytes from `url`) and returns the instance's exports. */
export async function initCatchingExports(init, url) {
  let exports = null;
  const { instantiate, Instance } = WebAssembly;
  WebAssembly.instantiate = async (...args) => {
    const result = await instantiate.apply(WebAssembly, args);
    exports = (result.instance ?? result).exports;
    return result;
  };
  // The entries instantiate with wasm-bindgen's initSync (js/entry.js): `new WebAssembly.Instance`.
  WebAssembly.Instance = function (...args) {
    const instance = new Instance(...args);
    exports = instance.exports;
    return instance;
  };
  try {
    await init(await (await fetch(url)).arrayBuffer());
  } finally {
    Object.assign(WebAssembly, { instantiate, Instance });
  }
  return exports;
}

/** The instance's linear memory (found by type: the build minifies export names). */
export const memoryOf = (exports) => Object.values(exports ?? {}).find((v) => v instanceof WebAssembly.Memory);
