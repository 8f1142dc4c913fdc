// The version printed by --version: the jar's Implementation-Version.
package io.neurostream.app.cli;

import picocli.CommandLine.IVersionProvider;

final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String version = Main.class.getPackage().getImplementationVersion();
        return new String[] {"neurostream " + (version == null ? "(development build)" : version)};
    }
}
