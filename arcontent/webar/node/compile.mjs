// Compile one marker image (JPEG or PNG) into a MindAR image target (.mind).
//
//   node compile.mjs <image> <output.mind>
//
// Contract with arcontent/webar/compiler.py:
// - stdout carries exactly one line, a JSON object, written at the very end:
//     {"ok": true, "mindar_version": "1.2.5", "targets": 1, "width": W, "height": H, "seconds": S}
//   or {"ok": false, "error": "..."} together with exit code 1.
// - Everything else (progress, library chatter) goes to stderr.
// - Nothing is fetched from the network: the image comes from disk and TensorFlow.js runs on
//   its pure-JS CPU backend (no tfjs-node, no WebGL).
import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';

// Libraries print to console.log (tfjs greets Node users there); keep stdout for our one line.
const toStderr = (...args) => process.stderr.write(`${args.map(String).join(' ')}\n`);
console.log = toStderr;
console.info = toStderr;
console.warn = toStderr;
console.debug = toStderr;

const require = createRequire(import.meta.url);

function answer(payload) {
  process.stdout.write(`${JSON.stringify(payload)}\n`);
}

function fail(message) {
  answer({ ok: false, error: message });
  process.exitCode = 1;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function isJpeg(bytes) {
  return bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
}

function isPng(bytes) {
  return bytes.length > PNG_SIGNATURE.length && bytes.subarray(0, PNG_SIGNATURE.length).equals(PNG_SIGNATURE);
}

function mindarVersion() {
  const manifest = require('mind-ar/package.json');
  return String(manifest.version);
}

async function compile(imagePath, outputPath) {
  const started = performance.now();
  const version = mindarVersion();

  // Imported after console is redirected, so their load-time output stays off stdout.
  const tf = await import('@tensorflow/tfjs');
  const { loadImage } = await import('canvas');
  const { OfflineCompiler } = await import('mind-ar/src/image-target/offline-compiler.js');

  await tf.setBackend('cpu');
  await tf.ready();

  const bytes = await readFile(imagePath);
  if (!isJpeg(bytes) && !isPng(bytes)) {
    throw new Error(`${imagePath} is not a JPEG or PNG image`);
  }
  let image;
  try {
    image = await loadImage(bytes);
  } catch (error) {
    throw new Error(`cannot decode the image ${imagePath}: ${error.message || error}`);
  }
  if (!(image.width > 0 && image.height > 0)) {
    throw new Error(`the image ${imagePath} has no pixels`);
  }

  let reported = -10;
  const compiler = new OfflineCompiler();
  await compiler.compileImageTargets([image], (percent) => {
    if (percent - reported >= 10 || percent >= 100) {
      reported = percent;
      process.stderr.write(`progress ${percent.toFixed(0)}%\n`);
    }
  });
  const data = compiler.exportData();
  if (!(data instanceof Uint8Array) || data.length === 0) {
    throw new Error('MindAR exported no data');
  }
  await writeFile(outputPath, data);

  return {
    ok: true,
    mindar_version: version,
    targets: compiler.data.length,
    width: image.width,
    height: image.height,
    bytes: data.length,
    seconds: Math.round((performance.now() - started) / 10) / 100,
  };
}

async function main(argv) {
  if (argv.length !== 2) {
    fail('usage: node compile.mjs <image.jpg|png> <output.mind>');
    return;
  }
  const [imagePath, outputPath] = argv;
  try {
    answer(await compile(imagePath, outputPath));
  } catch (error) {
    fail(error && error.message ? error.message : String(error));
  }
}

await main(process.argv.slice(2));
