// The char-lstm preset on tiny Shakespeare: a bounded run reaches the target held-out loss and generates text.
package io.neurostream.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurostream.core.data.DataLocator;
import io.neurostream.core.data.TextCorpus;
import io.neurostream.core.net.Network;
import io.neurostream.core.net.Sampler;
import io.neurostream.core.spec.Presets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("integration")
@Tag("accuracy")
class CharLstmIT {
    /** Windows of 64 characters: about 3.6 passes over the 1 MB training text (as `train --max-samples 56000`). */
    private static final long SAMPLES = 56_000;
    private static final double TARGET_NATS_PER_CHAR = 1.8;

    @Test
    void charLstmLearnsTinyShakespeareBelowTheTargetLoss() {
        TextCorpus text = TextCorpus.load(DataLocator.locate().resolve("text").resolve("tinyshakespeare.txt"));
        TextCorpus.Split split = text.split(0.1);
        var preset = Presets.load("char-lstm");
        Network net = Network.create(preset.with(Map.of("input",
                Map.of("shape", List.of(preset.input().shape().dim(0)), "vocabulary", text.vocabularySize()))));
        Trainer trainer = new Trainer(10, net.spec().batchSize(), net.spec().seed(), 30,
                p -> System.out.printf("%,d samples, loss %.3f%n", p.samples(), p.loss()), SAMPLES, 0);
        Trainer.Result result = trainer.train(net, new TextBatches(split.training(), net), new TextBatches(split.heldOut(), net));
        System.out.printf("held-out %.4f nats/char after %,d samples in %.0f s%n", result.test().loss(), result.samples(), result.seconds());
        assertTrue(result.test().loss() <= TARGET_NATS_PER_CHAR, "held-out loss " + result.test().loss());

        int steps = net.inputShape().dim(0);
        int[] prime = new int[steps];
        for (int t = 0; t < steps; t++) {
            prime[t] = split.heldOut().token(t);
        }
        String sample = split.heldOut().decode(new Sampler(net, 0.8, 1).generate(prime, 300));
        System.out.println(sample);
        assertEquals(300, sample.codePointCount(0, sample.length()));
        assertTrue(sample.chars().filter(c -> c == ' ').count() > 20, "words separated by spaces: " + sample);
    }
}
