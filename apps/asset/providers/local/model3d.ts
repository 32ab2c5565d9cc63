import { type Document as GltfDocument, Document, NodeIO } from '@gltf-transform/core';
import { type GenerationRequest, ProviderError } from '../types.ts';
import { fileTooLarge, MESH_DETAIL, maxBytesOf, qualityOf, type Work } from './api.ts';
import { box, cylinder, type Geometry, type Shape, sphere, terrain } from './meshes.ts';
import { hex, palette } from './palette.ts';
import { seededRandom } from './random.ts';

/** Words in a description that name a shape, before the category's default. */
const SHAPE_WORDS: [RegExp, Shape][] = [
  [/\b(terrain|landscape|hills?|island|mountains?|valley|ground)\b/i, terrain],
  [/\b(ball|orb|planet|sphere|globe|bubble|egg)\b/i, sphere],
  [/\b(barrel|pillar|column|tower|pipe|can|cylinder|trunk|log)\b/i, cylinder],
  [/\b(crate|box|cube|chest|block|brick)\b/i, box],
];

const CATEGORY_SHAPE: Record<string, Shape> = { environment: terrain, character: cylinder, prop: box, animation: sphere };

function shapeFor(request: GenerationRequest): Shape {
  return SHAPE_WORDS.find(([pattern]) => pattern.test(request.description))?.[1] ?? CATEGORY_SHAPE[request.category] ?? box;
}

/** The finest tessellation up to the quality's whose triangle count fits `polygonCountMax`. */
function detailWithin(shape: Shape, request: GenerationRequest): number {
  const max = request.requirements.polygonCountMax ?? Number.POSITIVE_INFINITY;
  for (let detail = shape.detailFor(MESH_DETAIL[qualityOf(request)]); detail >= shape.minDetail; detail--) {
    if (shape.triangles(detail) <= max) return detail;
  }
  throw new ProviderError(
    'local',
    'refused',
    `a ${shape.name} needs at least ${shape.triangles(shape.minDetail)} triangles, above polygon_count_max ${max}: raise it`,
  );
}

/** A 2-second loop for `animation`: a bounce and a full turn about the vertical axis. */
function addLoop(doc: GltfDocument, node: ReturnType<GltfDocument['createNode']>): void {
  const buffer = doc.getRoot().listBuffers()[0]!;
  const times = doc.createAccessor('times').setType('SCALAR').setArray(new Float32Array([0, 0.5, 1, 1.5, 2])).setBuffer(buffer);
  const heights = new Float32Array([0, 0, 0, 0, 0.6, 0, 0, 0, 0, 0, 0.6, 0, 0, 0, 0]);
  const turn = new Float32Array([0, 0, 0, 1, 0, Math.SQRT1_2, 0, Math.SQRT1_2, 0, 1, 0, 0, 0, Math.SQRT1_2, 0, -Math.SQRT1_2, 0, 0, 0, -1]);
  const animation = doc.createAnimation('loop');
  for (const [path, values, type] of [
    ['translation', heights, 'VEC3'],
    ['rotation', turn, 'VEC4'],
  ] as const) {
    const output = doc.createAccessor(`${path}-values`).setType(type).setArray(values).setBuffer(buffer);
    const sampler = doc.createAnimationSampler(path).setInput(times).setOutput(output).setInterpolation('LINEAR');
    animation.addSampler(sampler).addChannel(doc.createAnimationChannel(path).setTargetNode(node).setTargetPath(path).setSampler(sampler));
  }
}

function toDocument(geometry: Geometry, shape: Shape, request: GenerationRequest): GltfDocument {
  const doc = new Document();
  doc.getRoot().getAsset().generator = 'GAIA local asset provider';
  const buffer = doc.createBuffer();
  const accessor = (name: string, type: 'VEC3' | 'SCALAR', array: Float32Array | Uint16Array | Uint32Array) =>
    doc.createAccessor(name).setType(type).setArray(array).setBuffer(buffer);
  const vertexCount = geometry.positions.length / 3;
  const primitive = doc
    .createPrimitive()
    .setAttribute('POSITION', accessor('position', 'VEC3', new Float32Array(geometry.positions)))
    .setAttribute('NORMAL', accessor('normal', 'VEC3', new Float32Array(geometry.normals)))
    .setAttribute('COLOR_0', accessor('color', 'VEC3', new Float32Array(geometry.colors)))
    .setIndices(accessor('indices', 'SCALAR', vertexCount < 65_536 ? new Uint16Array(geometry.indices) : new Uint32Array(geometry.indices)))
    .setMaterial(doc.createMaterial('surface').setBaseColorFactor([1, 1, 1, 1]).setRoughnessFactor(0.85).setMetallicFactor(0));
  const mesh = doc.createMesh(shape.name).addPrimitive(primitive);
  const node = doc.createNode(request.category).setMesh(mesh);
  doc.createScene('scene').addChild(node);
  if (request.category === 'animation') addLoop(doc, node);
  return doc;
}

/**
 * A GLB (binary glTF 2.0) primitive: a terrain for `environment`, a cylinder for `character`, a box for `prop`, a
 * bouncing, turning sphere for `animation` (or the shape the description names), vertex-coloured from the seed's
 * palette, tessellated by quality within `polygonCountMax` (triangles). The same request makes the same bytes.
 */
export async function generateModel(request: GenerationRequest, work: Work): Promise<{ bytes: Uint8Array; metadata: Record<string, unknown> }> {
  const shape = shapeFor(request);
  const colours = palette(seededRandom(request.seed, 'palette'), `${request.style} ${request.description}`);
  const maxBytes = maxBytesOf(request);
  for (let detail = detailWithin(shape, request); ; detail = Math.max(shape.minDetail, Math.floor(detail / 2))) {
    const geometry = shape.build(detail, seededRandom(request.seed, 'shape'), colours);
    work.progress(0.5);
    await work.checkpoint();
    const bytes = await new NodeIO().writeBinary(toDocument(geometry, shape, request));
    if (bytes.length <= maxBytes) {
      const [triangles, vertices] = [geometry.indices.length / 3, geometry.positions.length / 3];
      return { bytes, metadata: { shape: shape.name, triangles, vertices, animated: request.category === 'animation', palette: colours.map(hex) } };
    }
    if (detail === shape.minDetail) {
      throw fileTooLarge(request, `a ${shape.name} (the smallest takes ${bytes.length} bytes)`);
    }
  }
}
