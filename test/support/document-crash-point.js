// Preloaded (node --require) into a server that test/contract/file-document-store-crash.spec.ts kills with SIGKILL.
// At the step of the files store's write sequence named by SINERGI_TEST_CRASH_POINT, the store's file operation
// announces itself on stdout ("crash point reached: <step>") and never completes: the spec kills the process there.
//   writing             the second megabyte of the temporary file is being written (a part of the upload is on disk)
//   flushing-the-file   every byte is written to the temporary file, which is about to be flushed
//   renaming            the temporary file is flushed and about to be renamed into place
//   flushing-the-folder the file is renamed into place and its folder is about to be flushed
const fsp = require('node:fs/promises');
const { sep } = require('node:path');

const point = process.env.SINERGI_TEST_CRASH_POINT;
const pathOf = new WeakMap();
const isIncoming = (path) => String(path).includes(`${sep}.incoming${sep}`);
const reached = (step) => {
  process.stdout.write(`crash point reached: ${step}\n`);
  return new Promise(() => undefined);
};

let handlesPatched = false;
function patchHandles(handle) {
  if (handlesPatched) return;
  handlesPatched = true;
  const prototype = Object.getPrototypeOf(handle);
  const { writev, sync } = prototype;
  const writes = new WeakMap();
  prototype.writev = function (...args) {
    const nth = (writes.get(this) ?? 0) + 1;
    writes.set(this, nth);
    if (point === 'writing' && isIncoming(pathOf.get(this)) && nth === 2) return reached(point);
    return writev.apply(this, args);
  };
  prototype.sync = function (...args) {
    const path = pathOf.get(this);
    if (point === 'flushing-the-file' && isIncoming(path)) return reached(point);
    if (point === 'flushing-the-folder' && path !== undefined && !isIncoming(path) && /[0-9a-f]{2}$/.test(path)) return reached(point);
    return sync.apply(this, args);
  };
}

const { open, rename } = fsp;
fsp.open = async (path, ...rest) => {
  const handle = await open(path, ...rest);
  pathOf.set(handle, String(path));
  patchHandles(handle);
  return handle;
};
fsp.rename = (from, to) => (point === 'renaming' && isIncoming(from) ? reached(point) : rename(from, to));
