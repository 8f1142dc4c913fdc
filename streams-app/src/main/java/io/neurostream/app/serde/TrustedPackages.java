// Lets Avro 1.12 instantiate neurostream's generated record classes. Avro refuses classes outside
// its trusted set (ClassSecurityValidator); we add our package to whatever predicate is installed,
// so packages a user trusts through org.apache.avro.SERIALIZABLE_PACKAGES or the API stay trusted.
package io.neurostream.app.serde;

import io.neurostream.schemas.Sample;
import org.apache.avro.util.ClassSecurityValidator;
import org.apache.avro.util.ClassSecurityValidator.ClassSecurityPredicate;

final class TrustedPackages {
    /** The package of the generated records, with the trailing dot so that only it and its sub-packages match. */
    static final String SCHEMAS_PACKAGE_PREFIX = Sample.class.getPackageName() + ".";

    private static boolean registered;

    private TrustedPackages() {
    }

    /** Adds the schemas package to Avro's global trust predicate; later calls do nothing. */
    static synchronized void register() {
        if (registered) {
            return;
        }
        ClassSecurityPredicate ours = type -> type.getName().startsWith(SCHEMAS_PACKAGE_PREFIX);
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(ClassSecurityValidator.getGlobal(), ours));
        registered = true;
    }
}
