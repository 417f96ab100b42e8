/**
 * A tfjs IOHandler that saves and loads a Layers model as `model.json` + `weights.bin` in a
 * folder, with Node's `fs`: the same files `tfjs-node`'s `file://` scheme writes, usable on any
 * backend (tfjs-node may be absent).
 */
import * as fs from 'fs';
import * as path from 'path';

import * as tf from '@tensorflow/tfjs';

/** Save/load handler for `dir`; the folder is created on save. */
export function folderHandler(dir: string): tf.io.IOHandler {
  return {
    async save(artifacts) {
      fs.mkdirSync(dir, {recursive: true});
      const {weightData, weightSpecs, ...rest} = artifacts;
      const weightsManifest = [{paths: ['weights.bin'], weights: weightSpecs ?? []}];
      fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify({...rest, weightsManifest}));
      fs.writeFileSync(path.join(dir, 'weights.bin'), Buffer.from(weightData as ArrayBuffer));
      return {modelArtifactsInfo: {dateSaved: new Date(), modelTopologyType: 'JSON'}};
    },

    async load() {
      const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
      const manifest = json.weightsManifest as tf.io.WeightsManifestConfig;
      const buffers = manifest.flatMap((group) =>
        group.paths.map((p) => fs.readFileSync(path.join(dir, p))),
      );
      const bytes = Buffer.concat(buffers);
      return {
        ...json,
        weightSpecs: manifest.flatMap((group) => group.weights),
        weightData: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length),
      };
    },
  };
}
