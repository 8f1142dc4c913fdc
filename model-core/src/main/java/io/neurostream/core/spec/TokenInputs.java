// Checks shared by the token layers' specs: they come first, on a [T] input of token indices with a vocabulary.
package io.neurostream.core.spec;

import io.neurostream.core.tensor.Shape;

final class TokenInputs {
    private TokenInputs() {}

    /** T of a [T] token input; a SpecException naming {@code path} otherwise. */
    static int steps(String type, Shape input, BuildContext context, String path) {
        if (context.vocabulary() < 1 || input.rank() != 1) {
            throw new SpecException(path, type + " needs a token input (input.shape [T] and input.vocabulary), got input shape "
                    + input + (context.vocabulary() < 1 ? " without a vocabulary" : ""));
        }
        return input.dim(0);
    }

    /** [T, D] of a sequence input; a SpecException naming {@code path} otherwise. */
    static void requireSequence(String type, Shape input, BuildContext context, String path) {
        if (input.rank() != 2) {
            String hint = input.rank() == 1 && context.vocabulary() > 0 ? "; token inputs need a one_hot or embedding layer first" : "";
            throw new SpecException(path, type + " needs a sequence input [T, D], got " + input + hint);
        }
    }
}
