"""neurostream's record format for Python with fastavro: Avro single-object encoding.

A value on neurostream's topics is C3 01, the writer schema's CRC-64-AVRO fingerprint (8 bytes,
little-endian), then the record in Avro binary encoding. encode_sample() writes a Sample for the
samples topic (keyed by the model name, UTF-8); decode_prediction() reads a Prediction. Any Kafka
client carries the bytes, e.g. with confluent-kafka:

    producer.produce("samples", key=b"xor-online", value=encode_sample({...}))
    prediction = decode_prediction(message.value())

A model with "replicas": R > 1 in its spec trains on R partitions: key each sample (and its label)
replica_key(model, sample_id, R) and send it to partition replica_partition(key, P), P being the
topic's partition count (README: "One model on many partitions"):

    key = replica_key("lenet5-wide", sample["id"], 2)
    producer.produce("samples", key=key.encode(), value=encode_sample(sample), partition=replica_partition(key, 8))

Command line (what the tests drive): `encode-sample` reads a Sample as JSON on stdin (pixels in
base64, eventTime in milliseconds) and prints the value in hex; `decode-prediction` reads a value
in hex on stdin and prints the Prediction as JSON (eventTime in milliseconds); `replica-keys` reads
{"model", "replicas", "partitions", "ids"} as JSON on stdin and prints [[key, partition], ...].
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


def murmur2(data):
    """Kafka's murmur2 of bytes as its default partitioner uses it: toPositive(Utils.murmur2(data)), in [0, 2^31)."""
    m, length = 0x5BD1E995, len(data)
    h = (0x9747B28C ^ length) & 0xFFFFFFFF
    for i in range(0, length - length % 4, 4):
        k = data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24)
        k = (k * m) & 0xFFFFFFFF
        k ^= k >> 24
        k = (k * m) & 0xFFFFFFFF
        h = ((h * m) & 0xFFFFFFFF) ^ k
    tail = length & ~3
    if length % 4 == 3:
        h ^= data[tail + 2] << 16
    if length % 4 >= 2:
        h ^= data[tail + 1] << 8
    if length % 4 >= 1:
        h = ((h ^ data[tail]) * m) & 0xFFFFFFFF
    h ^= h >> 13
    h = (h * m) & 0xFFFFFFFF
    h ^= h >> 15
    return h & 0x7FFFFFFF


def replica_key(model, sample_id, replicas):
    """The key of a sample (or its label) of a model with this many replicas: the model's name, or NAME#s with s its id's shard."""
    if replicas == 1:
        return model
    return "%s#%d" % (model, murmur2(sample_id.encode("utf-8")) % replicas)


def replica_partition(key, partitions):
    """The partition of a key: (p(NAME) + s) mod P for a replica key NAME#s, else the default partitioner's p(key) = murmur2(key) mod P."""
    model, sep, shard = key.rpartition("#")
    if sep and model and shard.isdigit() and (shard == "0" or not shard.startswith("0")) and int(shard) < 256:
        return (murmur2(model.encode("utf-8")) % partitions + int(shard)) % partitions
    return murmur2(key.encode("utf-8")) % partitions


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
    elif command == "replica-keys":
        request = json.load(sys.stdin)
        keys = [replica_key(request["model"], i, request["replicas"]) for i in request["ids"]]
        print(json.dumps([[k, replica_partition(k, request["partitions"])] for k in keys]))
    else:
        sys.exit("usage: neurostream_avro.py encode-sample|decode-prediction|replica-keys (JSON or hex on stdin)")


if __name__ == "__main__":
    _main(sys.argv[1] if len(sys.argv) > 1 else "")
