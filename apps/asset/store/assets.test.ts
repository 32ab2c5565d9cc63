import { afterEach, describe, expect, it } from 'vitest';
import { migrate } from '../../../lib/db/migrate.ts';
import type { Db } from '../../../lib/db/types.ts';
import { silentLogger } from '../../../lib/logging/logger.ts';
import { dbBackends, dropSchema, uniqueSchema } from '../../../lib/testing/db.ts';
import { assetMigrationsFor } from '../db/migrations.ts';
import { AssetStore, type NewAsset } from './assets.ts';

const asset = (ownerId: string, description: string, extra: Partial<NewAsset> = {}): NewAsset => {
  const id = crypto.randomUUID();
  return {
    id,
    ownerId,
    jobId: null,
    originAssetId: null,
    source: 'generated',
    visibility: 'private',
    category: 'prop',
    kind: 'model3d',
    style: 'low-poly',
    description,
    tags: ['prop', 'model3d'],
    requestHash: crypto.randomUUID(),
    provider: 'local',
    model: null,
    costMicros: 0,
    generationMs: 10,
    quality: 'medium',
    files: [{ name: 'model.glb', key: `${ownerId}/${id}/model.glb`, contentType: 'model/gltf-binary', format: 'glb', sizeBytes: 10 }],
    fileKey: `${ownerId}/${id}/model.glb`,
    fileFormat: 'glb',
    contentType: 'model/gltf-binary',
    sizeBytes: 10,
    previewKey: null,
    storageKind: 'local',
    sessionId: null,
    metadata: {},
    ...extra,
  };
};

describe.each(dbBackends())('reuse search ($name)', ({ create }) => {
  let db: Db;
  let schema: string;
  afterEach(async () => {
    await dropSchema(db, schema);
    await db.close();
  });

  it('scores by the share of the request’s (stemmed) words an asset has, among what the caller may see', async () => {
    db = await create();
    schema = uniqueSchema('asset_r');
    await migrate(db, schema, assetMigrationsFor(schema), silentLogger);
    const store = new AssetStore(schema);
    const me = crypto.randomUUID();
    const other = crypto.randomUUID();
    const chest = await db.transaction((tx) => store.insert(tx, asset(me, 'wooden treasure chest with iron bands')));
    await db.transaction((tx) => store.insert(tx, asset(me, 'a wooden barrel')));
    const theirs = await db.transaction((tx) => store.insert(tx, asset(other, 'stone fountain with lions', { visibility: 'public' })));
    await db.transaction((tx) => store.insert(tx, asset(other, 'golden crown with rubies')));
    const find = (text: string, extra: { format?: string; minScore?: number } = {}) =>
      store.findReusable(db, { ownerId: me, category: 'prop', text, minScore: 0.75, ...extra });

    expect((await find('Treasure chests, wooden low-poly'))?.asset.id).toBe(chest.id);
    expect((await find('treasure chest low-poly'))?.score).toBe(1);
    expect(await find('a wooden treasure box')).toBeNull();
    expect((await find('a wooden treasure box', { minScore: 0.5 }))?.asset.id).toBe(chest.id);
    expect((await find('fountain with lions'))?.asset.id).toBe(theirs.id);
    expect(await find('golden crown rubies')).toBeNull();
    expect(await find('treasure chest', { format: 'png' })).toBeNull();
    expect(await find('the of and')).toBeNull();
    expect(await store.findReusable(db, { ownerId: me, category: 'image', text: 'treasure chest', minScore: 0.5 })).toBeNull();
    await db.transaction((tx) => store.markDeleted(tx, chest.id));
    expect(await find('treasure chest low-poly')).toBeNull();
  });
});
