/** The registry of feature maps. */
import { InputError } from '../../algorithms/errors';
import { type FeatureMap } from './feature-map';
import { mobilenetFeatures } from './mobilenet';
import { pixelFeatures } from './pixels';
import { randomProjectionFeatures } from './random-projection';
import { rawFeatures } from './raw';

/** Every feature map, by id; for image sources the first image map is the default. */
export const FEATURE_MAPS: readonly FeatureMap[] = [rawFeatures, pixelFeatures, randomProjectionFeatures, mobilenetFeatures];

/** Feature map ids a source accepts, the default first. */
export function featureIdsFor(isImage: boolean): string[] {
  return FEATURE_MAPS.filter((map) => map.needsImage === isImage).map((map) => map.id);
}

/** The feature map `id` for a dataset, or an InputError listing what it accepts. */
export function resolveFeatureMap(id: string | undefined, dataset: string, isImage: boolean): FeatureMap {
  const accepted = featureIdsFor(isImage);
  // FEATURE_MAPS holds maps for image and non-image sources alike, so `accepted` is never empty.
  const wanted = id ?? accepted[0]!;
  const map = FEATURE_MAPS.find((m) => m.id === wanted);
  if (!map || !accepted.includes(wanted)) {
    const what = map ? `feature map '${wanted}' does not apply to ${dataset}` : `unknown feature map '${wanted}'`;
    throw new InputError(`features: ${what} (${dataset} accepts: ${accepted.join(', ')})`);
  }
  return map;
}
