// ImageLocality: prefers nodes that already have the pod's images, scaled by how widely they are spread.
import type { Pod } from '../../api/types/core.js';
import { MAX_NODE_SCORE, type ScorePlugin } from '../framework/interface.js';
import { normalizeImageName } from '../framework/node-info.js';

export const IMAGE_LOCALITY = 'ImageLocality';
const MB = 1024 * 1024;
export const MIN_THRESHOLD = 23 * MB;
export const MAX_CONTAINER_THRESHOLD = 1000 * MB;

/** The pod's normalised image names and container count, once per pod object (pods are immutable). */
const imagesOfPod = new WeakMap<Pod, { images: string[]; containers: number }>();
function podImages(pod: Pod): { images: string[]; containers: number } {
  let v = imagesOfPod.get(pod);
  if (!v) {
    const containers = [...(pod.spec.initContainers ?? []), ...pod.spec.containers];
    v = { images: containers.filter((c) => c.image).map((c) => normalizeImageName(c.image!)), containers: containers.length };
    imagesOfPod.set(pod, v);
  }
  return v;
}

/** Contract: Score only: sum(size × nodesWithImage/allNodes) mapped linearly from [23MB, 1000MB×containers] to [0,100]. */
export function newImageLocality(handle: { snapshot(): { imageNumNodes(i: string): number; numNodes(): number } }): ScorePlugin {
  return {
    name: IMAGE_LOCALITY,
    score: (_s, pod, _pi, ni) => {
      const { images, containers } = podImages(pod);
      const snap = handle.snapshot();
      const total = snap.numNodes() || 1;
      let sum = 0;
      for (const img of images) {
        const size = ni.images.get(img);
        if (size === undefined) continue;
        sum += size * (snap.imageNumNodes(img) / total);
      }
      const max = MAX_CONTAINER_THRESHOLD * Math.max(1, containers);
      const clamped = Math.min(Math.max(sum, MIN_THRESHOLD), max);
      return Math.floor((MAX_NODE_SCORE * (clamped - MIN_THRESHOLD)) / (max - MIN_THRESHOLD));
    },
  };
}
