// Build-time constants (vite.config.ts `define`).
/** A development build or the dev server: ?rpc=, the Connect form, dev keys on a dev chain, window.medchainApi. */
declare const __MEDCHAIN_DEV__: boolean;
/** The node a production build talks to (VITE_MEDCHAIN_RPC); in a development build only the default. */
declare const __MEDCHAIN_RPC__: string;
/** The genesis hash the node must have (VITE_MEDCHAIN_GENESIS, lower-case hex); '' = not checked (development build only). */
declare const __MEDCHAIN_GENESIS__: string;

interface Window {
  /** The page's api, for the tests and debugging: development builds only (src/main.ts). */
  medchainApi?: import('@polkadot/api').ApiPromise;
  /** What the clinician view's last history assembly measured (src/clinician.ts). */
  medchainLastAssembly?: import('./clinician').Assembly;
}
