// A model as data: input, layers, loss, optimizer, batch size, seed — parsed from JSON with errors that name the field.
package io.neurostream.core.spec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.neurostream.core.drift.DriftSpec;
import io.neurostream.core.losses.Loss;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The JSON form (snake_case fields):
 * <pre>{@code
 * {"name": "mnist-mlp", "input": {"shape": [784]},
 *  "layers": [{"type": "dense", "units": 128, "activation": "relu"},
 *             {"type": "dense", "units": 10, "activation": "softmax"}],
 *  "loss": "cross_entropy", "optimizer": {"type": "sgd", "learning_rate": 0.1, "momentum": 0.9},
 *  "batch_size": 32, "seed": 42}
 * }</pre>
 * Optional: "description", "init" (auto | xavier | he), "dtype" (float32 | float64), "drift" (a detector name or
 * object, see {@link DriftSpec#parse}; default ADWIN with reaction none for a cross-entropy model, off otherwise), "source" (the
 * stream whose samples the model learns from: samples keyed by that name; default its own name, same rules as a name),
 * "replicas" (1-256, default 1: how many partitions the model's samples spread over, each training a replica that is averaged
 * with the others through the sync topic), "sync_every" (mini-batches a replica trains between two merges, default 10) and
 * "sync_learning_rate" (η_s in (0, 256], default 1: a merge moves the model by η_s times the replicas' mean change) and
 * "sync_overlap" (true|false, default false; true: a replica trains its next round while its round is merged, taking the merge one round
 * late).
 * The spec keeps its JSON text, which is what snapshots and the models topic carry.
 */
public record ModelSpec(String name, String description, InputSpec input, List<LayerSpec> layers, String loss,
                        OptimizerSpec optimizer, int batchSize, long seed, String initPolicy, DataType dataType,
                        DriftSpec drift, String source, Replication replication, String json) {
    public static final int MAX_BATCH_SIZE = 65_536;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    /** Jackson's reading limits, well above any real spec: deeper, longer or larger input is a spec error, never a stack overflow. */
    static final int MAX_NESTING_DEPTH = 64;
    static final int MAX_NUMBER_LENGTH = 100;
    static final int MAX_STRING_LENGTH = 1 << 20;
    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH)
                    .maxNumberLength(MAX_NUMBER_LENGTH).maxStringLength(MAX_STRING_LENGTH).build())
            .build());

    public ModelSpec {
        layers = List.copyOf(layers);
        if (drift == null) {
            throw new IllegalArgumentException("drift must not be null (DriftSpec.OFF to switch it off)");
        }
        if (source == null) {
            source = name;
        }
        if (replication == null) {
            replication = Replication.NONE;
        }
    }

    /**
     * How many replicas train the model, how many mini-batches each trains between two merges, and the server learning rate
     * η_s a merge moves the model by: merged = base + η_s · the replicas' sample-weighted mean change (1: plain averaging); and
     * whether rounds overlap: {@code syncOverlap} false, a replica waits at the end of round r for merged(r) and takes it; true, it
     * waits only for merged(r−1), decided while it trained round r, and takes merged(r−1) + its own change of round r.
     */
    public record Replication(int replicas, int syncEvery, double syncLearningRate, boolean syncOverlap) {
        public static final int MAX_REPLICAS = 256;
        public static final int DEFAULT_SYNC_EVERY = 10;
        public static final double DEFAULT_SYNC_LEARNING_RATE = 1.0;
        public static final double MAX_SYNC_LEARNING_RATE = 256.0;
        public static final boolean DEFAULT_SYNC_OVERLAP = false;
        public static final Replication NONE = new Replication(1, DEFAULT_SYNC_EVERY);

        public Replication(int replicas, int syncEvery) {
            this(replicas, syncEvery, DEFAULT_SYNC_LEARNING_RATE);
        }

        public Replication(int replicas, int syncEvery, double syncLearningRate) {
            this(replicas, syncEvery, syncLearningRate, DEFAULT_SYNC_OVERLAP);
        }

        public boolean replicated() {
            return replicas > 1;
        }
    }

    /** Whether a name is a valid model name: 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit. */
    public static boolean isValidName(String name) {
        return NAME.matcher(name).matches();
    }

    /** Parses and validates a spec; every problem is a {@link SpecException} naming its field. */
    public static ModelSpec parse(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null || at.getLineNr() < 1 ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new SpecException("", "not valid JSON: " + oneLine(e.getOriginalMessage()) + where);
        }
        SpecNode node = new SpecNode(root, "");
        String name = node.requireString("name");
        if (!NAME.matcher(name).matches()) {
            throw new SpecException("name", "must be 1-128 letters, digits, '.', '_' or '-' starting with a letter or digit, got \"" + name + "\"");
        }
        String description = node.optString("description", "");
        InputSpec input = InputSpec.parse(node.object("input"));
        List<LayerSpec> layers = node.objects("layers").stream().map(LayerSpecs::parse).toList();
        String loss = node.requireChoice("loss", Loss.specNames());
        OptimizerSpec optimizer = OptimizerSpec.parse(node.object("optimizer"));
        int batchSize = node.optInt("batch_size", 32, 1);
        if (batchSize > MAX_BATCH_SIZE) {
            throw new SpecException("batch_size", "must be <= " + MAX_BATCH_SIZE + ", got " + batchSize);
        }
        long seed = node.optLong("seed", 0L);
        String init = node.optChoice("init", BuildContext.AUTO, List.of(BuildContext.AUTO, BuildContext.XAVIER, BuildContext.HE));
        String dtype = node.optChoice("dtype", "float32", List.of("float32", "float64"));
        DriftSpec drift = DriftSpec.parse(node.optRaw("drift"), "drift", isClassifierLoss(loss));
        String source = node.optString("source", name);
        if (!NAME.matcher(source).matches()) {
            throw new SpecException("source", "must be 1-128 letters, digits, '.', '_' or '-' starting with a letter or digit, got \"" + source + "\"");
        }
        int replicas = node.optInt("replicas", 1, 1);
        if (replicas > Replication.MAX_REPLICAS) {
            throw new SpecException("replicas", "must be <= " + Replication.MAX_REPLICAS + ", got " + replicas);
        }
        if (replicas > 1 && !source.equals(name)) {
            throw new SpecException("replicas", "a replicated model reads its own stream: drop \"source\" (\"" + source + "\") or set replicas to 1");
        }
        int syncEvery = node.optInt("sync_every", Replication.DEFAULT_SYNC_EVERY, 1);
        double syncRate = node.optDouble("sync_learning_rate", Replication.DEFAULT_SYNC_LEARNING_RATE, Double.MIN_VALUE,
                Replication.MAX_SYNC_LEARNING_RATE);
        boolean syncOverlap = node.optBoolean("sync_overlap", Replication.DEFAULT_SYNC_OVERLAP);
        node.rejectUnknownFields();
        return new ModelSpec(name, description, input, layers, loss, optimizer, batchSize, seed, init,
                dtype.equals("float64") ? DataType.DOUBLE : DataType.FLOAT, drift, source, new Replication(replicas, syncEvery, syncRate, syncOverlap), json);
    }

    /** Whether a loss makes the model a classifier (its 0/1 error is what ADWIN watches). */
    static boolean isClassifierLoss(String loss) {
        Loss l = Loss.fromSpecName(loss);
        return l == Loss.CROSS_ENTROPY || l == Loss.BINARY_CROSS_ENTROPY;
    }

    /** Jackson's message up to its first line break (constraint messages add advice on further lines). */
    private static String oneLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int end = message.indexOf('\n');
        return end < 0 ? message : message.substring(0, end).strip();
    }

    /**
     * The same spec with top-level fields replaced (e.g. {"seed": 7, "batch_size": 8} from the
     * command line); the result is parsed and validated again.
     */
    public ModelSpec with(Map<String, Object> overrides) {
        try {
            ObjectNode root = (ObjectNode) JSON.readTree(json);
            overrides.forEach((k, v) -> root.set(k, JSON.valueToTree(v)));
            return parse(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a parsed spec must re-serialise", e);
        }
    }

    public BuildContext buildContext() {
        return new BuildContext(dataType, initPolicy, input.vocabulary());
    }
}
