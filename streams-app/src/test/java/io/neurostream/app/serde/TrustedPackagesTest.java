// Registering our package with Avro's class security keeps what was trusted before.
package io.neurostream.app.serde;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurostream.schemas.ClassProbability;
import io.neurostream.schemas.Sample;
import java.io.File;
import org.apache.avro.util.ClassSecurityValidator;
import org.junit.jupiter.api.Test;

class TrustedPackagesTest {

    @Test
    void shouldTrustTheSchemasPackageAndKeepAvroDefaults() {
        TrustedPackages.register();
        ClassSecurityValidator.ClassSecurityPredicate global = ClassSecurityValidator.getGlobal();

        assertTrue(global.isTrusted(Sample.class));
        assertTrue(global.isTrusted(ClassProbability.class));
        assertTrue(global.isTrusted(String.class), "Avro's default trusted classes are kept");
        assertFalse(global.isTrusted(TrustedPackagesTest.class));
        assertFalse(global.isTrusted(File.class));
    }

    @Test
    void shouldRegisterOnlyOnce() {
        TrustedPackages.register();
        ClassSecurityValidator.ClassSecurityPredicate afterFirst = ClassSecurityValidator.getGlobal();

        TrustedPackages.register();

        assertSame(afterFirst, ClassSecurityValidator.getGlobal());
    }
}
