/** The interface every feature map implements (one map per file, listed in features/index.ts). */
import { type Matrix, type SourceData } from '../source';

/** What a feature map is told besides its input rows. */
export interface FeatureContext {
  /** The source the rows come from (its image shape, for image maps). */
  source: SourceData;
  /** Report rows finished so far within this call. */
  progress: (rowsDone: number) => void;
}

/** Maps a source's raw rows to the features a classifier is trained on. */
export interface FeatureMap {
  /** Id used in LoadOptions.features and Dataset.features. */
  id: string;
  /** One line for listings. */
  title: string;
  /** True only for a pretrained extractor. */
  pretrained: boolean;
  /** Slow enough that its output is cached on disk. */
  cacheable: boolean;
  /** Only for image sources (pixels, random768, mobilenet) or only for the others (raw). */
  needsImage: boolean;
  /** Output columns for `inputDims` input columns. */
  outputDims(inputDims: number): number;
  /** One line for provenance. */
  describe(source: SourceData): string;
  /** The features of each row of `input`. */
  compute(input: Matrix, context: FeatureContext): Promise<Matrix>;
}
