export { type Asset, type AssetSource, contentTypeOf, directoryAssets, isSafeAssetName } from './assets.ts';
export type { AppEnv, AppVariables } from './env.ts';
export { type RequestIdOptions, requestId } from './request-id.ts';
