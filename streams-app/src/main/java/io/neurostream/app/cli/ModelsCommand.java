// `neurostream models`: the preset models, and model specs checked and published to the models topic.
package io.neurostream.app.cli;

import picocli.CommandLine.Command;

@Command(name = "models", mixinStandardHelpOptions = true,
        description = {"Model specs: list and show the presets, validate a JSON spec, create or delete a model on the models topic, publish its weights now.",
                "A spec is JSON: name, input.shape, layers, loss, optimizer, batch_size, seed (see 'models show mnist-mlp')."},
        subcommands = {ModelsListCommand.class, ModelsShowCommand.class, ModelsValidateCommand.class, ModelsCreateCommand.class, ModelsDeleteCommand.class,
                ModelsExportCommand.class, ModelsPublishCommand.class})
final class ModelsCommand {
}
