export {
  createSampleStateDir,
  type SampleStateDirOptions,
  type SampleStore,
} from "./create-sample-state-dir";
export {
  type FixtureStore,
  type GenerateStoreOptions,
  generateStore,
  KEY_KIND_SHARES,
  RUN_AGE_SPREAD_MS,
} from "./generate-store";
export type { FixtureEntry, FixtureKeyKind } from "./session-entry";
