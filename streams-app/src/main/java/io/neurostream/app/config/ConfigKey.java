// One neurostream configuration key: its name, default, and what it means.
package io.neurostream.app.config;

/**
 * @param name         dotted lowercase, always starting with "neurostream."
 * @param defaultValue as written in a properties file
 * @param doc          one sentence for --help and the README's table
 */
public record ConfigKey(String name, String defaultValue, String doc) {}
