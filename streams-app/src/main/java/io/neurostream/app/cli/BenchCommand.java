// `neurostream bench`: benchmarks, each a subcommand.
package io.neurostream.app.cli;

import picocli.CommandLine.Command;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks: training-step throughput of a model (bench model); training inside Kafka Streams end to end (bench pipeline).",
        subcommands = {BenchModelCommand.class, BenchPipelineCommand.class, BenchServeCommand.class, BenchReplicasCommand.class})
final class BenchCommand {
}
