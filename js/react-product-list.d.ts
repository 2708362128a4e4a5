// `ait-iap/react/product-list`: the library's list as a React component. Importing it makes `<IapProvider>` load the
// module with the list (`ait_iap_bg.wasm`) instead of the engine alone (`ait_iap_headless_bg.wasm`).
import type { ReactElement } from 'react';
import type { Product } from './index.js';

export interface ProductListProps {
  locale?: 'ko' | 'en';
  /** A test badge on each row (default: in the Toss sandbox). */
  testBadge?: boolean;
  /** Your own items instead of the client's products; each new array updates the changed rows. */
  products?: Product[];
  /** The container's class. */
  className?: string;
}
/** The library's product list (`mountProductList`) over the provider's client, mounted in an effect and destroyed
 *  in its cleanup. Import it where `<IapProvider>` is (not in a chunk loaded after the provider mounted). */
export function ProductList(props: ProductListProps): ReactElement;
