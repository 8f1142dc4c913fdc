// What the models commands that work on a Kafka cluster share: the Kafka options, one-line errors and exit codes, the broker checked before use.
package io.neurostream.app.cli;

import io.neurostream.app.config.NeurostreamConfig;
import io.neurostream.app.topology.Topics;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command on a Kafka cluster: {@link KafkaOptions}, and a body run by {@link ExitCodes#run} (bad input is one line on stderr and
 * exit code 2) with stdout flushed after it. Each command keeps its own parameters, options and work.
 */
abstract class ClusterCommand implements Callable<Integer> {
    @Spec
    CommandSpec command;

    @Mixin
    KafkaOptions kafka;

    @Override
    public final Integer call() throws Exception {
        try {
            return ExitCodes.run(command, this::run);
        } finally {
            out().flush();
        }
    }

    /** The command's work; returns its exit code. */
    abstract int run() throws InterruptedException;

    /** The merged configuration, once a broker answers at its address; a one-line error otherwise. */
    NeurostreamConfig connect() throws InterruptedException {
        NeurostreamConfig config = kafka.load();
        kafka.probe(config, command);
        return config;
    }

    /** The topics of the configuration's prefix. */
    static Topics topics(NeurostreamConfig config) {
        return new Topics(config.string(NeurostreamConfig.TOPIC_PREFIX));
    }

    PrintWriter out() {
        return command.commandLine().getOut();
    }
}
