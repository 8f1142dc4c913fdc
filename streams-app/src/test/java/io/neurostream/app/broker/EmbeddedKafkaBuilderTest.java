// EmbeddedKafka's settings and its state before start, checked without starting a broker.
package io.neurostream.app.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class EmbeddedKafkaBuilderTest {

    @Test
    void shouldRejectAPortOutOfRangeNamingIt() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
            () -> EmbeddedKafka.builder().port(70_000));

        assertEquals("port must be 0 (pick a free port) to 65535, got 70000", error.getMessage());
    }

    @Test
    void shouldRejectANegativeControllerPort() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
            () -> EmbeddedKafka.builder().controllerPort(-1));

        assertEquals("controllerPort must be 0 (pick a free port) to 65535, got -1", error.getMessage());
    }

    @Test
    void shouldHaveNoAddressBeforeStart() {
        EmbeddedKafka kafka = EmbeddedKafka.builder().build();

        assertThrows(IllegalStateException.class, kafka::bootstrapServers);
    }

    @Test
    void shouldPickDistinctFreePorts() {
        int[] ports = FreePorts.pick(2);

        assertEquals(2, Arrays.stream(ports).distinct().filter(port -> port > 0).count());
    }
}
