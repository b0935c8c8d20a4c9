// Writes a generated catalog back out as the two package folders convert-catalog.mjs reads, so a
// change to the converter can be checked offline: converting the unpacked folders must reproduce
// the committed file byte for byte. Usage: node unpack-catalog.mjs <catalog.json.gz> <outDir>
// (writes <outDir>/catalog and <outDir>/dependents). Only what the converter keeps is restored:
// descriptions and the other fields it drops are absent, and dependent actions are the kept ones.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const [inFile, outDir] = process.argv.slice(2);
if (!inFile || !outDir) {
  console.error('usage: node unpack-catalog.mjs <catalog.json.gz> <outDir>');
  process.exit(2);
}

// gunzip joins the members of a format 3 file into the one document.
const doc = JSON.parse(zlib.gunzipSync(fs.readFileSync(inFile)).toString('utf8'));
if (doc.format !== 2 && doc.format !== 3) {
  throw new Error(`catalog format ${doc.format} is not supported`);
}

// Inverse of the converter's level map ('Tagging, Write' and 'Permissions management, Write'
// convert to the same numbers as their first part).
const levelNames = ['List', 'Read', 'Write', 'Tagging', 'Permissions management'];

const writeJson = (file, value) => {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(value));
};

const catalogData = path.join(outDir, 'catalog', 'data');
const dependentsData = path.join(outDir, 'dependents', 'data');
writeJson(path.join(outDir, 'catalog', 'package.json'), { version: doc.version });
writeJson(path.join(outDir, 'dependents', 'package.json'), { version: doc.dependentsVersion });

const prefixes = doc.services.map((s) => s.p);
writeJson(path.join(catalogData, 'services.json'), prefixes);
writeJson(path.join(dependentsData, 'services.json'), prefixes);
writeJson(path.join(catalogData, 'serviceNames.json'), Object.fromEntries(doc.services.map((s) => [s.p, s.n])));

for (const s of doc.services) {
  const resourceTypes = {};
  for (const [key, arn, conditionKeys] of s.r) {
    resourceTypes[key] = { key, arn, conditionKeys };
  }
  const actions = {};
  const dependents = {};
  for (const [name, level, rts, conditionKeys, deps] of s.a) {
    actions[name] = {
      name,
      accessLevel: levelNames[level],
      resourceTypes: rts.map(([i, required]) => ({ name: s.r[i][0], required: required === 1 })),
      conditionKeys,
    };
    if (deps.length > 0) {
      dependents[name] = { name, dependentActions: deps };
    }
  }
  if (s.r.length > 0) {
    writeJson(path.join(catalogData, 'resourceTypes', `${s.p}.json`), resourceTypes);
  }
  if (s.a.length > 0) {
    writeJson(path.join(catalogData, 'actions', `${s.p}.json`), actions);
  }
  if (Object.keys(dependents).length > 0) {
    writeJson(path.join(dependentsData, 'actions', `${s.p}.json`), dependents);
  }
}
console.log(`unpacked ${doc.services.length} services of ${doc.version} (format ${doc.format}) -> ${outDir}`);
