// `ait-iap/react/product-list`: the library's product list as a component. Importing it makes <IapProvider> (from
// `ait-iap/react`) load the module with the list instead of the engine alone: the list draws with its client's own
// module, so an app of hooks alone never ships it. package.json names this file in `sideEffects`: that is its import's
// effect, kept by bundlers also for a bare `import 'ait-iap/react/product-list'`.
import { createElement, useEffect, useRef } from 'react';
import * as withList from './index.js';
import { notInitialized, useIapClient, withProductList } from './react.js';

const madeWithList = withProductList(withList);

/** The library's product list, mounted in an effect and destroyed in its cleanup. Props: the list's options
 *  (`locale`, `testBadge`) and `className` for its container; `products`, your own items: each new array updates
 *  the rows that changed, and none (`undefined`) loads the client's products again. */
export function ProductList({ locale, testBadge, products, className }) {
  const client = useIapClient();
  if (!madeWithList(client)) {
    throw notInitialized('<IapProvider> mounted before ait-iap/react/product-list was imported, so its client has no list: import it where the provider is (not in a chunk loaded later)');
  }
  const container = useRef(null);
  const list = useRef(null);
  const shown = useRef(products);
  useEffect(() => {
    const mounted = withList.mountProductList(container.current, client, { locale, testBadge, products: shown.current });
    list.current = mounted;
    return () => {
      list.current = null;
      mounted.destroy();
    };
  }, [client, locale, testBadge]);
  useEffect(() => {
    if (products === shown.current) return;
    shown.current = products;
    if (Array.isArray(products)) list.current?.update(products);
    else list.current?.reload();
  }, [products]);
  return createElement('div', { ref: container, className });
}
