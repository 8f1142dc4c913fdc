// Which native kernels compute this process's float arithmetic: OpenBLAS's core type, oneDNN's ISA limit, and the CPU.
package io.neurostream.core;

import com.sun.jna.Library;
import com.sun.jna.NativeLibrary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * ND4J computes with two native libraries that choose kernels for the processor they run on:
 * OpenBLAS, at load time ({@code OPENBLAS_CORETYPE} forces a core type, {@code OPENBLAS_L2_SIZE}
 * sets its blocking), and oneDNN, for convolutions and, in the onednn build, matrix products (the
 * widest instruction set the CPU has; {@code DNNL_MAX_CPU_ISA} caps it). Kernels round
 * differently, so the same seed and input give bit-identical models only under the same kernels;
 * a snapshot records them ({@link #id()}) and a restore under other ones is logged (README "Determinism").
 *
 * <p>The OpenBLAS core is read from the library ND4J loaded, {@code openblas_get_corename()},
 * looked up with {@code dlopen(RTLD_LAZY | RTLD_NOLOAD)}: that only finds an already loaded
 * library and never loads a second copy (opening it again with global scope crashed the JVM).
 * oneDNN is linked into libnd4jcpu without its query API, so its kernels are described by the
 * limit and the CPU's vector extensions.
 *
 * @param blasCore     OpenBLAS's core type, e.g. "Haswell", "SkylakeX", "Zen", "Prescott" ("unknown" if unreadable)
 * @param blasL2       the L2 cache size OpenBLAS is told ({@code OPENBLAS_L2_SIZE}), which sets its blocking, or
 *                     "auto" (detected from the CPU)
 * @param dnnlMaxIsa   oneDNN's ISA limit, the value of {@code DNNL_MAX_CPU_ISA}, or "ALL" when unset
 * @param cpuVector    the widest vector extension the CPU reports: "avx512", "avx2", "avx", "sse4_2" or "unknown"
 * @param cpuModel     the CPU's model name (for the log; not part of {@link #id()})
 */
public record NativeKernels(String blasCore, String blasL2, String dnnlMaxIsa, String cpuVector, String cpuModel) {
    /** The OpenBLAS libraries that libnd4jcpu and JavaCPP's presets load, by soname, in the order looked for. */
    private static final List<String> OPENBLAS_LIBRARIES = List.of("libopenblas.so.0", "libopenblas_nolapack.so.0");
    private static final int RTLD_LAZY = 0x1;
    private static final int RTLD_NOLOAD = 0x4;
    private static final String UNKNOWN = "unknown";

    private static volatile NativeKernels current;

    /** The kernels of this process; ND4J is loaded first (the OpenBLAS core is fixed once it is). */
    public static NativeKernels current() {
        NativeKernels k = current;
        if (k == null) {
            synchronized (NativeKernels.class) {
                if (current == null) {
                    Nd4jRuntime.ensureConfigured();
                    Map<String, String> env = System.getenv();
                    current = new NativeKernels(openBlasCore(), blasL2(env), dnnlMaxIsa(env), cpuInfo("flags"), cpuInfo("model name"));
                }
                k = current;
            }
        }
        return k;
    }

    /**
     * What decides the rounding of the arithmetic, as one line, e.g. "openblas=Haswell l2=512
     * dnnl=ALL cpu=avx512". Equal ids mean the same kernels as far as the environment and the
     * CPU's vector width tell (oneDNN may still choose by finer CPU features).
     */
    public String id() {
        return "openblas=" + blasCore + " l2=" + blasL2 + " dnnl=" + dnnlMaxIsa + " cpu=" + cpuVector;
    }

    /** For the start-up log: the id and the CPU's model. */
    public String describe() {
        return id() + " (" + cpuModel + ")";
    }

    static String blasL2(Map<String, String> env) {
        String size = env.get("OPENBLAS_L2_SIZE");
        return size == null || size.isBlank() ? "auto" : size.trim();
    }

    static String dnnlMaxIsa(Map<String, String> env) {
        String limit = env.get("DNNL_MAX_CPU_ISA");
        return limit == null || limit.isBlank() ? "ALL" : limit.trim().toUpperCase(Locale.ROOT);
    }

    /** The widest vector extension in a /proc/cpuinfo "flags" line. */
    static String widestVector(Set<String> flags) {
        if (flags.containsAll(List.of("avx512f", "avx512bw", "avx512vl", "avx512dq"))) {
            return "avx512";
        }
        for (String flag : List.of("avx2", "avx", "sse4_2")) {
            if (flags.contains(flag)) {
                return flag;
            }
        }
        return UNKNOWN;
    }

    private static String openBlasCore() {
        for (String soname : OPENBLAS_LIBRARIES) {
            try {
                NativeLibrary lib = NativeLibrary.getInstance(soname, Map.of(Library.OPTION_OPEN_FLAGS, RTLD_LAZY | RTLD_NOLOAD));
                String core = lib.getFunction("openblas_get_corename").invokeString(new Object[0], false);
                if (core != null && !core.isBlank()) {
                    return core.trim();
                }
            } catch (UnsatisfiedLinkError e) {
                // not loaded under this name: try the next
            }
        }
        return UNKNOWN;
    }

    /** The first value of a /proc/cpuinfo field ("flags" as its widest vector extension), or "unknown". */
    private static String cpuInfo(String field) {
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith(field) && l.indexOf(':') > 0)
                    .map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .findFirst()
                    .map(v -> field.equals("flags") ? widestVector(new HashSet<>(Arrays.asList(v.split("\\s+")))) : v)
                    .orElse(UNKNOWN);
        } catch (IOException | UncheckedIOException e) {
            return UNKNOWN;
        }
    }
}
