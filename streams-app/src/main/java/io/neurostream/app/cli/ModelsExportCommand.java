// `neurostream models export NAME --snapshot FILE --format onnx -o model.onnx`: a model's weights in a format other runtimes load.
package io.neurostream.app.cli;

import io.neurostream.core.codec.SnapshotCodec;
import io.neurostream.core.codec.SnapshotException;
import io.neurostream.core.net.Network;
import io.neurostream.core.onnx.OnnxException;
import io.neurostream.core.onnx.OnnxExport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Write a model's weights as an ONNX model, to run it with ONNX Runtime or any ONNX tool.",
                "The model comes from a snapshot file (written by 'train --save FILE'). The ONNX model pins IR version 8 and "
                        + "opset 17, computes in prediction mode (dropout off, batch norm on its running statistics), takes "
                        + "\"input\" [batch, ...input shape] (int64 token ids for token models) and gives \"output\"; it carries "
                        + "the spec in its metadata (key neurostream.spec), so 'train --init-from' restores it exactly.",
                "Exit codes: 0 written, 1 cannot write, 2 bad input (unreadable snapshot, another model's, a layer with no ONNX form)."},
        footer = {"", "Example:",
                "  neurostream train --model mnist-mlp --epochs 1 --save mnist-mlp.snapshot",
                "  neurostream models export mnist-mlp --snapshot mnist-mlp.snapshot --format onnx -o mnist-mlp.onnx"})
final class ModelsExportCommand implements Callable<Integer> {
    @Spec
    CommandSpec command;

    @Parameters(index = "0", paramLabel = "NAME", description = "The model's name (as in its spec).")
    String name;

    @Option(names = "--snapshot", required = true, paramLabel = "FILE", description = "A snapshot file written by 'train --save FILE'.")
    Path snapshot;

    @Option(names = "--format", defaultValue = "onnx", paramLabel = "FORMAT", description = "Output format: onnx (the default and only one).")
    String format;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE", description = "Where to write the model.")
    Path output;

    @Override
    public Integer call() throws Exception {
        return ExitCodes.run(command, this::export);
    }

    private int export() {
        if (!format.equals("onnx")) {
            return ExitCodes.badInput(command, "--format: unknown format \"" + format + "\"; formats: onnx");
        }
        Network net;
        try {
            net = SnapshotCodec.decode(Files.readAllBytes(snapshot));
        } catch (IOException e) {
            return ExitCodes.badInput(command, snapshot + ": cannot read: " + e.getMessage());
        } catch (SnapshotException e) {
            return ExitCodes.badInput(command, snapshot + ": " + e.getMessage());
        }
        if (!net.spec().name().equals(name)) {
            return ExitCodes.badInput(command, snapshot + " holds model " + net.spec().name() + ", not " + name);
        }
        byte[] onnx;
        try {
            onnx = OnnxExport.export(net);
        } catch (OnnxException e) {
            return ExitCodes.badInput(command, e.getMessage());
        }
        TrainCommand.write(output, onnx);
        PrintWriter out = command.commandLine().getOut();
        out.printf("model %s (step %,d) written to %s as ONNX (IR version 8, opset 17, %,d bytes)%n",
                name, net.counters().steps(), output, onnx.length);
        out.flush();
        return ExitCodes.OK;
    }
}
