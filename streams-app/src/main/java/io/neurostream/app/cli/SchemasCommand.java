// `neurostream schemas`: facts about the Avro schemas of the topics that clients in other languages need.
package io.neurostream.app.cli;

import picocli.CommandLine.Command;

@Command(name = "schemas", mixinStandardHelpOptions = true,
        description = "The Avro schemas of neurostream's topics (schemas/src/main/avro/): what a client in any language needs to write and read them.",
        subcommands = {SchemasFingerprintCommand.class})
final class SchemasCommand {
}
