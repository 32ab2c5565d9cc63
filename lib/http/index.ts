export { type Asset, type AssetSource, contentTypeOf, directoryAssets, isSafeAssetName } from './assets.ts';
export type { AppEnv, AppVariables } from './env.ts';
export { type RequestIdOptions, requestId } from './request-id.ts';
export { findInputProblem, formatInputPath, type InputProblem, MAX_JSON_DEPTH, textProblem } from './input-text.ts';
export { strictJsonBody } from './strict-json-body.ts';
