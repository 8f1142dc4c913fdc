// The layer types a model spec may use, by their "type" name.
package io.neurostream.core.spec;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/** Registry of layer spec parsers. Each parser reads its own fields and rejects unknown ones. */
final class LayerSpecs {
    private static final Map<String, Function<SpecNode, LayerSpec>> PARSERS = new LinkedHashMap<>();

    static {
        PARSERS.put(DenseSpec.TYPE, DenseSpec::parse);
        PARSERS.put(ActivationSpec.TYPE, ActivationSpec::parse);
        PARSERS.put(OneHotSpec.TYPE, OneHotSpec::parse);
        PARSERS.put(EmbeddingSpec.TYPE, EmbeddingSpec::parse);
        PARSERS.put(RecurrentSpec.SIMPLE_RNN, RecurrentSpec::parse);
        PARSERS.put(RecurrentSpec.LSTM, RecurrentSpec::parse);
        PARSERS.put(BidirectionalSpec.TYPE, BidirectionalSpec::parse);
        PARSERS.put(TimeDistributedSpec.TYPE, TimeDistributedSpec::parse);
        PARSERS.put(Conv2DSpec.TYPE, Conv2DSpec::parse);
        PARSERS.put(MaxPool2DSpec.TYPE, MaxPool2DSpec::parse);
        PARSERS.put(DropoutSpec.TYPE, DropoutSpec::parse);
        PARSERS.put(FlattenSpec.TYPE, FlattenSpec::parse);
        PARSERS.put(BatchNormSpec.TYPE, BatchNormSpec::parse);
    }

    private LayerSpecs() {}

    static LayerSpec parse(SpecNode node) {
        String type = node.requireChoice("type", PARSERS.keySet());
        return PARSERS.get(type).apply(node);
    }
}
