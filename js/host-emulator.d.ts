// Types of ait-iap/host-emulator.
import type { Product } from './index.js';

export interface HostScenario {
  on?: string;
  error?: string;
  errorShape?: 'code' | 'userInfo' | 'message';
  afterGrant?: boolean;
  delayMs?: number;
  noAnswer?: boolean;
  duplicatePurchased?: boolean;
  grantTimeoutMs?: number;
  throttled?: boolean;
  name?: string;
  /** The host's answer instead of the emulated one: a value, or a function of the emulated answer. */
  answer?: unknown;
}

export interface HostConfig {
  environment: 'sandbox' | 'toss';
  appVersion: string;
  os: 'android' | 'ios';
  latencyMs: number;
  grantTimeoutMs: number;
  throttleMs: number;
  /** Skip the emulator's order sheet (true) or always show it (false); unset, automated browsers skip it. */
  autoConfirm?: boolean;
}

export interface HostOrder {
  orderId: string;
  sku: string;
  kind: string;
  status: 'paid' | 'completed' | 'refunded' | 'failed';
  paidAt: number;
  completedAt?: number;
  refundedAt?: number;
  subscriptionId?: string;
  offerId?: string | null;
}

export interface HostEmulatorOptions extends Partial<HostConfig> {
  products?: Product[] | readonly object[];
  storageKey?: string | null;
  mirrorUrl?: string;
  miniAppId?: string;
  target?: object;
}

export interface HostEmulator {
  orders(): HostOrder[];
  calls(): { type: string; functionName: string; eventId: string; args?: unknown }[];
  setScenario(scenario: string | HostScenario): void;
  queueScenarios(list: (string | HostScenario)[]): void;
  clearScenarios(): void;
  pendingScenarios(): string[];
  configure(patch: Partial<HostConfig>): void;
  config(): HostConfig;
  setProducts(list: object[]): void;
  refund(orderId: string): Promise<boolean>;
  reset(): void;
  uninstall(): void;
}

export const SANDBOX_PRODUCTS: readonly Product[];
export const EXAMPLE_CATALOGUE: readonly Product[];
export const SCENARIOS: Readonly<Record<string, HostScenario>>;
export const SDK_ERROR_CODES: readonly string[];
export const GATES: Readonly<Record<string, { android: string; ios: string }>>;
export const GRANT_TIMEOUT_MS: number;
export function installHostEmulator(options?: HostEmulatorOptions): HostEmulator;
/** Whether the page has the Toss app's native host: inside the Toss app, or with an emulator installed. In
 *  development: `if (import.meta.env.DEV && !hasTossHost()) installHostEmulator(…)`. */
export function hasTossHost(): boolean;
