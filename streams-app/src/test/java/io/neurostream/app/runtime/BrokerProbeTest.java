// A broker that is not running is reported in one line within seconds; a wait is only taken when asked for.
package io.neurostream.app.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

public class BrokerProbeTest {
    /** A loopback port nothing listens on (bound, then released). */
    public static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Test
    void shouldSayInOneLineThatNothingAnswersWithoutWaiting() throws Exception {
        String address = "127.0.0.1:" + closedPort();
        List<String> notices = new ArrayList<>();

        BrokerProbe.UnreachableException e = assertThrows(BrokerProbe.UnreachableException.class,
                () -> BrokerProbe.check(Map.of("bootstrap.servers", address, "client.id", "t"), Duration.ZERO, notices::add));

        assertTrue(e.getMessage().startsWith("no Kafka broker answers at " + address + " ("), e.getMessage());
        assertTrue(e.getMessage().contains("--wait-for-broker"), "says how to wait: " + e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
        assertEquals(List.of(), notices, "no waiting unless asked");
    }

    @Test
    void shouldWaitWhenAskedSayingSoOnceThenGiveUpNamingTheWait() throws Exception {
        String address = "127.0.0.1:" + closedPort();
        List<String> notices = new ArrayList<>();

        BrokerProbe.UnreachableException e = assertThrows(BrokerProbe.UnreachableException.class,
                () -> BrokerProbe.check(Map.of("bootstrap.servers", address, "client.id", "t"), Duration.ofSeconds(2), notices::add));

        assertEquals(List.of("no Kafka broker answers at " + address + " yet; waiting up to 2 s (--wait-for-broker)"), notices);
        assertTrue(e.getMessage().startsWith("no Kafka broker answers at " + address + " after waiting 2 s"), e.getMessage());
    }

    @Test
    void shouldNameSettingsNoClientCanBeMadeWith() throws Exception {
        try (ServerSocket listening = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Map<String, Object> settings = Map.of("bootstrap.servers", "127.0.0.1:" + listening.getLocalPort(), "client.id", "t",
                    "security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN");

            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BrokerProbe.check(settings, Duration.ZERO, s -> {}));

            assertTrue(e.getMessage().startsWith("cannot create a Kafka client with these settings: "), e.getMessage());
            assertTrue(e.getMessage().contains("JAAS configuration"), e.getMessage());
            assertEquals(1, e.getMessage().lines().count());
        }
    }

    @Test
    void shouldNameAMalformedAddress() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BrokerProbe.addresses("localhost"));
        assertEquals("bootstrap.servers: \"localhost\" is not HOST:PORT", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BrokerProbe.addresses("localhost:99999"));
        assertEquals(2, BrokerProbe.addresses("a:1, b:2").size());
    }
}
