// The recipe: write noisy XOR Samples keyed by a model name with kafkajs, then read their Predictions back and print them.
// Usage: node produce-and-read.js --bootstrap-servers 127.0.0.1:9092 [--model xor-online] [--count 20] [--prefix P] [--timeout-s 60]
// The topics must exist (neurostream run creates them); the model is a preset or one created with `neurostream models create`.
'use strict';

const {Kafka, Partitioners, logLevel} = require('kafkajs');
const {loadSchemas, encode, decode} = require('./neurostream-avro');

function options(argv) {
  const given = {};
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith('--') || argv[i + 1] === undefined) {
      throw new Error(`expected --name value pairs, got "${argv[i]}"`);
    }
    given[argv[i].slice(2)] = argv[i + 1];
  }
  if (!given['bootstrap-servers']) {
    throw new Error('give --bootstrap-servers HOST:PORT');
  }
  return {
    brokers: given['bootstrap-servers'].split(','),
    model: given.model || 'xor-online',
    count: Number(given.count || 20),
    prefix: given.prefix || '',
    timeoutMs: 1000 * Number(given['timeout-s'] || 60),
  };
}

async function main() {
  const opts = options(process.argv.slice(2));
  const schemas = loadSchemas();
  const kafka = new Kafka({clientId: 'neurostream-node-recipe', brokers: opts.brokers, logLevel: logLevel.WARN});
  const run = `node-${process.pid}-${Date.now()}`;

  // Samples: the key is the model name; Java's partitioner (murmur2), so that samples and models stay co-partitioned
  const producer = kafka.producer({createPartitioner: Partitioners.DefaultPartitioner});
  await producer.connect();
  const messages = [];
  for (let i = 0; i < opts.count; i++) {
    const a = Math.random() < 0.5 ? 0 : 1;
    const b = Math.random() < 0.5 ? 0 : 1;
    const sample = {
      id: `${run}-${i}`,
      eventTime: Date.now(), // timestamp-millis
      pixels: null,
      values: [a + 0.2 * (2 * Math.random() - 1), b + 0.2 * (2 * Math.random() - 1)],
      tokens: null,
      shape: [2],
      label: a ^ b,
      target: null,
    };
    messages.push({key: opts.model, value: encode(schemas.sample, sample)});
  }
  await producer.send({topic: opts.prefix + 'samples', messages});
  await producer.disconnect();
  console.error(`produced ${opts.count} samples to ${opts.prefix}samples (key ${opts.model})`);

  // Predictions: committed records only (the app writes in transactions), from the beginning, ours picked by sample id
  const consumer = kafka.consumer({groupId: run, readUncommitted: false});
  await consumer.connect();
  await consumer.subscribe({topic: opts.prefix + 'predictions', fromBeginning: true});
  const seen = new Set();
  let finish;
  const done = new Promise((resolve) => { finish = resolve; });
  const timer = setTimeout(() => finish(false), opts.timeoutMs);
  await consumer.run({
    eachMessage: async ({message}) => {
      const prediction = decode(schemas.prediction, message.value);
      if (!prediction.sampleId.startsWith(run + '-') || seen.has(prediction.sampleId)) {
        return;
      }
      seen.add(prediction.sampleId);
      console.log(JSON.stringify({key: message.key.toString('utf8'), ...prediction, eventTime: Number(prediction.eventTime)}));
      if (seen.size === opts.count) {
        finish(true);
      }
    },
  });
  const all = await done;
  clearTimeout(timer);
  await consumer.disconnect();
  if (!all) {
    console.error(`only ${seen.size} of ${opts.count} predictions within ${opts.timeoutMs / 1000} s`);
    process.exit(1);
  }
  console.error(`read ${seen.size} predictions from ${opts.prefix}predictions`);
}

main().catch((e) => {
  console.error(`produce-and-read: ${e.message}`);
  process.exit(1);
});
