// The live page's empty state suggests a command a newcomer can paste: it must be one the command line accepts.
package io.neurostream.app.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurostream.app.cli.Main;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.ParseResult;

class LivePageTextTest {

    private static String livePage() throws IOException {
        try (InputStream in = LivePageTextTest.class.getResourceAsStream("/io/neurostream/app/metrics/live.html")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void shouldSuggestAProduceCommandThatParses() throws IOException {
        Matcher empty = Pattern.compile("<p id=\"empty\">(.*?)</p>", Pattern.DOTALL).matcher(livePage());
        assertTrue(empty.find(), "the page has an empty state");
        Matcher code = Pattern.compile("<code>neurostream (produce [^<]+)</code>").matcher(empty.group(1));
        List<String> commands = new ArrayList<>();
        while (code.find()) {
            commands.add(code.group(1));
        }
        assertEquals(1, commands.size(), "one produce command in: " + empty.group(1));

        ParseResult parsed = Main.commandLine().parseArgs(commands.get(0).split(" +"));

        ParseResult produce = parsed.subcommand();
        assertEquals("produce", produce.commandSpec().name());
        assertEquals("mnist-mlp", produce.matchedOptionValue("--model", ""), "keyed by a preset that exists");
    }
}
