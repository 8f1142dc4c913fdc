// neurostream's record format for Node.js: Avro single-object encoding (C3 01, the schema's CRC-64-AVRO fingerprint
// little-endian, then the Avro binary body), written by hand because avsc has neither single-object encoding nor CRC-64-AVRO.
'use strict';

const fs = require('fs');
const path = require('path');
const avro = require('avsc');

const MARKER = Buffer.from([0xc3, 0x01]);
const HEADER_LENGTH = 10;
const MASK64 = (1n << 64n) - 1n;
// The Avro specification's "Schema Fingerprints": Rabin fingerprint with this empty value, over the Parsing Canonical Form.
const EMPTY = 0xc15d213aa4d7a795n;
const TABLE = Array.from({length: 256}, (_, i) => {
  let fp = BigInt(i);
  for (let j = 0; j < 8; j++) {
    fp = (fp >> 1n) ^ (EMPTY & -(fp & 1n));
  }
  return fp & MASK64;
});

/** CRC-64-AVRO of a string (the schema's Parsing Canonical Form), as an unsigned 64-bit BigInt. */
function crc64avro(text) {
  let fp = EMPTY;
  for (const byte of Buffer.from(text, 'utf8')) {
    fp = (fp >> 8n) ^ TABLE[Number((fp ^ BigInt(byte)) & 0xffn)];
  }
  return fp & MASK64;
}

/** The record schema in a .avsc file, with its fingerprint and the 10-byte header of its values. */
function loadSchema(file) {
  const type = avro.Type.forSchema(JSON.parse(fs.readFileSync(file, 'utf8')));
  const fingerprint = crc64avro(JSON.stringify(type.getSchema())); // getSchema() without options: the Parsing Canonical Form as an object
  const header = Buffer.alloc(HEADER_LENGTH);
  MARKER.copy(header, 0);
  header.writeBigUInt64LE(fingerprint, 2);
  return {type, fingerprint, header};
}

/** The schemas of the samples and predictions topics, from schemas/src/main/avro of a neurostream checkout. */
function loadSchemas(schemaDir = path.join(__dirname, '..', '..', '..', 'schemas', 'src', 'main', 'avro')) {
  return {
    sample: loadSchema(path.join(schemaDir, 'Sample.avsc')),
    prediction: loadSchema(path.join(schemaDir, 'Prediction.avsc')),
  };
}

/** A record as a single-object encoded value: header, then body. */
function encode(schema, record) {
  return Buffer.concat([schema.header, schema.type.toBuffer(record)]);
}

/** A single-object encoded value as a record; an error naming what is wrong when it was written with another schema. */
function decode(schema, value) {
  if (value.length < HEADER_LENGTH || value[0] !== MARKER[0] || value[1] !== MARKER[1]) {
    throw new Error('not a single-object encoded Avro value: starts with ' + value.subarray(0, 2).toString('hex'));
  }
  const fingerprint = value.readBigUInt64LE(2);
  if (fingerprint !== schema.fingerprint) {
    throw new Error(`written with schema fingerprint 0x${fingerprint.toString(16).padStart(16, '0')}, this reader has `
        + `0x${schema.fingerprint.toString(16).padStart(16, '0')} (${schema.type.name}): update schemas/`);
  }
  return schema.type.fromBuffer(value.subarray(HEADER_LENGTH));
}

module.exports = {crc64avro, loadSchema, loadSchemas, encode, decode};
