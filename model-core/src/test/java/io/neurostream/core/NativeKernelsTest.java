// The kernels this JVM reports are the ones its environment asks for: each run of the kernel matrix proves what it ran under.
package io.neurostream.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("numerics")
class NativeKernelsTest {

    @Test
    void reportsTheOpenBlasCoreTheEnvironmentForcesOrTheOneItDetected() {
        NativeKernels kernels = NativeKernels.current();
        System.out.println("kernels: " + kernels.describe());
        String forced = System.getenv("OPENBLAS_CORETYPE");
        if (forced == null || forced.isBlank()) {
            assertNotEquals("unknown", kernels.blasCore(), "the OpenBLAS core is read from the loaded library");
        } else {
            assertEquals(forced.trim().toLowerCase(), kernels.blasCore().toLowerCase(), "OpenBLAS core");
        }
        assertEquals(NativeKernels.blasL2(System.getenv()), kernels.blasL2());
        assertEquals(NativeKernels.dnnlMaxIsa(System.getenv()), kernels.dnnlMaxIsa());
        assertEquals("openblas=" + kernels.blasCore() + " l2=" + kernels.blasL2() + " dnnl=" + kernels.dnnlMaxIsa() + " cpu=" + kernels.cpuVector(),
                kernels.id());
    }

    @Test
    void openBlasesL2SizeIsTheEnvironmentsOrAuto() {
        assertEquals("auto", NativeKernels.blasL2(Map.of()));
        assertEquals("512", NativeKernels.blasL2(Map.of("OPENBLAS_L2_SIZE", "512")));
    }

    @Test
    void oneDnnsLimitIsTheEnvironmentsOrAll() {
        assertEquals("ALL", NativeKernels.dnnlMaxIsa(Map.of()));
        assertEquals("ALL", NativeKernels.dnnlMaxIsa(Map.of("DNNL_MAX_CPU_ISA", " ")));
        assertEquals("AVX2", NativeKernels.dnnlMaxIsa(Map.of("DNNL_MAX_CPU_ISA", "avx2")));
    }

    @Test
    void theWidestVectorExtensionNeedsTheWholeAvx512Core() {
        assertEquals("avx512", NativeKernels.widestVector(Set.of("avx2", "avx512f", "avx512bw", "avx512vl", "avx512dq")));
        assertEquals("avx2", NativeKernels.widestVector(Set.of("sse4_2", "avx", "avx2", "avx512f")));
        assertEquals("sse4_2", NativeKernels.widestVector(Set.of("sse4_2")));
        assertEquals("unknown", NativeKernels.widestVector(Set.of("fpu")));
    }
}
