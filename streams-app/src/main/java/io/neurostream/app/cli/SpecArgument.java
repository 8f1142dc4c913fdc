// A model spec named on the command line: a JSON file, or a preset's name; and its built network's summary.
package io.neurostream.app.cli;

import io.neurostream.core.layers.Layer;
import io.neurostream.core.net.Network;
import io.neurostream.core.params.ParamSpec;
import io.neurostream.core.spec.ModelLimits;
import io.neurostream.core.spec.ModelSpec;
import io.neurostream.core.spec.Presets;
import io.neurostream.core.spec.SpecException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

final class SpecArgument {
    private SpecArgument() {}

    /** The spec in the file if it exists, else the preset of that name; spec errors name the file. */
    static ModelSpec resolve(String fileOrPreset) {
        Path file = Path.of(fileOrPreset);
        if (Files.isRegularFile(file)) {
            String json;
            try {
                json = Files.readString(file);
            } catch (IOException e) {
                throw new UncheckedIOException(file + ": cannot read: " + e.getMessage(), e);
            }
            try {
                return ModelSpec.parse(json);
            } catch (SpecException e) {
                throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
            }
        }
        if (Presets.exists(fileOrPreset)) {
            return Presets.load(fileOrPreset);
        }
        throw new IllegalArgumentException(fileOrPreset + ": no such spec file, nor a preset (" + String.join(", ", Presets.names()) + ")");
    }

    /** Checks the spec against the limits, then builds the network (every layer must fit its input); errors name the model. */
    static Network build(ModelSpec spec, ModelLimits limits) {
        try {
            limits.check(spec);
            return Network.create(spec);
        } catch (SpecException e) {
            throw new IllegalArgumentException("model " + spec.name() + ": " + e.getMessage(), e);
        }
    }

    /** One line per layer: index, description, output shape, parameters; then loss, optimizer, batch and seed. */
    static void printSummary(Network net, PrintWriter out) {
        ModelSpec spec = net.spec();
        out.printf("  %-3s %-24s %-16s %12s%n", "#", "layer", "output", "parameters");
        out.printf("  %-3s %-24s %s%n", "", "input", spec.input().shape());
        for (int i = 0; i < net.layers().size(); i++) {
            Layer layer = net.layers().get(i);
            out.printf("  %-3d %-24s %-16s %,12d%n", i, layer.describe(), layer.outputShape(), trainable(layer));
        }
        out.printf("  loss %s, optimizer %s, batch %d, seed %d, %,d trainable parameters%n",
                spec.loss(), spec.optimizer().type(), spec.batchSize(), spec.seed(), net.params().trainableCount());
    }

    private static long trainable(Layer layer) {
        long parameters = 0;
        for (ParamSpec p : layer.params()) {
            if (p.role() != ParamSpec.Role.STATE) {
                parameters += p.length();
            }
        }
        return parameters;
    }
}
