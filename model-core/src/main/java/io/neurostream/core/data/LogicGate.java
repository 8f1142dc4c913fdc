// The two-input logic gates whose truth tables are the classic first tests of a perceptron (XOR is not linearly separable).
package io.neurostream.core.data;

import java.util.Locale;

/** AND, OR and XOR on inputs 0/1. */
public enum LogicGate {
    AND, OR, XOR;

    /** The gate's output for inputs {@code a}, {@code b} in {0, 1}. */
    public int apply(int a, int b) {
        return switch (this) {
            case AND -> a & b;
            case OR -> a | b;
            case XOR -> a ^ b;
        };
    }

    /** The lowercase name: {@code and}, {@code or}, {@code xor}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
