"""neurostream's record format for Python with fastavro: Avro single-object encoding.

A value on neurostream's topics is C3 01, the writer schema's CRC-64-AVRO fingerprint (8 bytes,
little-endian), then the record in Avro binary encoding. encode_sample() writes a Sample for the
samples topic (keyed by the model name, UTF-8); decode_prediction() reads a Prediction. Any Kafka
client carries the bytes, e.g. with confluent-kafka:

    producer.produce("samples", key=b"xor-online", value=encode_sample({...}))
    prediction = decode_prediction(message.value())

Command line (what the tests drive): `encode-sample` reads a Sample as JSON on stdin (pixels in
base64, eventTime in milliseconds) and prints the value in hex; `decode-prediction` reads a value
in hex on stdin and prints the Prediction as JSON (eventTime in milliseconds).
"""
import base64
import io
import json
import os
import sys

import fastavro
from fastavro.schema import fingerprint, to_parsing_canonical_form

MARKER = b"\xc3\x01"
HEADER_LENGTH = 10
SCHEMA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "schemas", "src", "main", "avro")


class Schema:
    """A record schema from a .avsc file, its CRC-64-AVRO fingerprint and the header of its values."""

    def __init__(self, path):
        with open(path, encoding="utf-8") as f:
            self.parsed = fastavro.parse_schema(json.load(f))
        # fastavro gives the fingerprint's 8 bytes in hex, already in the little-endian order of the header
        fingerprint_bytes = bytes.fromhex(fingerprint(to_parsing_canonical_form(self.parsed), "CRC-64-AVRO"))
        self.fingerprint = int.from_bytes(fingerprint_bytes, "little")
        self.header = MARKER + fingerprint_bytes


SAMPLE = Schema(os.path.join(SCHEMA_DIR, "Sample.avsc"))
PREDICTION = Schema(os.path.join(SCHEMA_DIR, "Prediction.avsc"))


def encode(schema, record):
    """A record as a single-object encoded value: header, then body."""
    body = io.BytesIO()
    fastavro.schemaless_writer(body, schema.parsed, record)
    return schema.header + body.getvalue()


def decode(schema, value):
    """A single-object encoded value as a record; ValueError naming what is wrong for another schema."""
    if len(value) < HEADER_LENGTH or value[:2] != MARKER:
        raise ValueError("not a single-object encoded Avro value: starts with " + value[:2].hex())
    written = int.from_bytes(value[2:HEADER_LENGTH], "little")
    if written != schema.fingerprint:
        raise ValueError("written with schema fingerprint 0x%016x, this reader has 0x%016x: update schemas/" % (written, schema.fingerprint))
    return fastavro.schemaless_reader(io.BytesIO(value[HEADER_LENGTH:]), schema.parsed, return_record_name=False)


def encode_sample(sample):
    """A Sample (a dict with the schema's fields; eventTime a datetime or milliseconds) as a value for the samples topic."""
    return encode(SAMPLE, sample)


def decode_prediction(value):
    """A value of the predictions topic as a dict (eventTime a timezone-aware datetime)."""
    return decode(PREDICTION, value)


def _main(command):
    if command == "encode-sample":
        sample = json.load(sys.stdin)
        if sample.get("pixels") is not None:
            sample["pixels"] = base64.b64decode(sample["pixels"])
        print(encode_sample(sample).hex())
    elif command == "decode-prediction":
        prediction = decode_prediction(bytes.fromhex(sys.stdin.read().strip()))
        prediction["eventTime"] = int(prediction["eventTime"].timestamp() * 1000)
        print(json.dumps(prediction))
    else:
        sys.exit("usage: neurostream_avro.py encode-sample|decode-prediction (JSON or hex on stdin)")


if __name__ == "__main__":
    _main(sys.argv[1] if len(sys.argv) > 1 else "")
