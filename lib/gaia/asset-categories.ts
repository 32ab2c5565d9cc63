/** GAIA's asset categories (GAIA-API §11): the asset service accepts these, the web UI offers them. */
export const ASSET_CATEGORIES = ['environment', 'character', 'prop', 'audio', 'texture', 'animation', 'image'] as const;
export type AssetCategory = (typeof ASSET_CATEGORIES)[number];
