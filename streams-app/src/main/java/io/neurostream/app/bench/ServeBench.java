// `bench serve`: single-sample predictions over HTTP/1.1 keep-alive from concurrent clients, with and without hot swaps.
package io.neurostream.app.bench;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.neurostream.app.serve.ModelRegistry;
import io.neurostream.app.serve.ModelServer;
import io.neurostream.app.serve.ServeMetrics;
import io.neurostream.app.versions.PublishedModel;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The server of {@code serve} (same class, same settings) on 127.0.0.1 with one model, and N client
 * threads in the same process, each on its own keep-alive connection sending one request after the
 * other ({@code POST /v1/models/NAME:predict} with one instance). The client is a few lines over a
 * socket — it writes the request bytes and reads the status line, headers and Content-Length
 * bytes of body — so that it costs the shared cores as little as possible. Latency is measured
 * per request at the client; p50/p99 come from every request of the timed window. With swapping
 * on, a new version of the model (the same weights under the next version number, decoded and
 * swapped in as a published one is) replaces the served one every interval.
 */
public final class ServeBench {
    /** One run's figures. */
    public record Result(int clients, boolean swapping, long requests, long failed, double seconds, double p50Millis, double p99Millis,
                         long swaps) {
        public double perSecond() {
            return requests / seconds;
        }
    }

    private final PublishedModel model;
    private final List<byte[]> bodies;
    private final int slots;

    /** @param bodies request bodies, sent in turn by each client */
    public ServeBench(PublishedModel model, List<byte[]> bodies, int slots) {
        this.model = model;
        this.bodies = bodies;
        this.slots = slots;
    }

    public Result run(int clients, Duration warmup, Duration timed, Duration swapEvery) throws InterruptedException {
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ServeMetrics metrics = new ServeMetrics(prometheus);
        ModelRegistry registry = new ModelRegistry(Set.of(), metrics, slots);
        registry.offer(model);
        try (ModelServer server = ModelServer.start("127.0.0.1", 0, registry, metrics, prometheus, () -> null, 4 << 20, slots)) {
            AtomicBoolean stop = new AtomicBoolean();
            AtomicBoolean timing = new AtomicBoolean();
            AtomicLong failed = new AtomicLong();
            List<long[]> latencies = new ArrayList<>();
            List<int[]> counts = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                long[] lat = new long[1 << 20];
                int[] count = new int[1];
                latencies.add(lat);
                counts.add(count);
                int first = c;
                Thread t = new Thread(() -> client(server.port(), first, stop, timing, failed, lat, count), "bench-client-" + c);
                t.setDaemon(true);
                threads.add(t);
                t.start();
            }
            long swaps = 0;
            long version = model.version();
            long warmEnd = System.nanoTime() + warmup.toNanos();
            while (System.nanoTime() < warmEnd) {
                Thread.sleep(50);
            }
            timing.set(true);
            long start = System.nanoTime();
            long end = start + timed.toNanos();
            long nextSwap = swapEvery == null ? Long.MAX_VALUE : start + swapEvery.toNanos();
            while (System.nanoTime() < end) {
                if (System.nanoTime() >= nextSwap) {
                    registry.offer(model.withVersion(++version));
                    swaps++;
                    nextSwap += swapEvery.toNanos();
                }
                Thread.sleep(5);
            }
            timing.set(false);
            double seconds = (System.nanoTime() - start) / 1e9;
            stop.set(true);
            for (Thread t : threads) {
                t.join(10_000);
            }
            int total = counts.stream().mapToInt(c -> c[0]).sum();
            long[] all = new long[total];
            int at = 0;
            for (int c = 0; c < clients; c++) {
                System.arraycopy(latencies.get(c), 0, all, at, counts.get(c)[0]);
                at += counts.get(c)[0];
            }
            Arrays.sort(all);
            return new Result(clients, swapEvery != null, total, failed.get(), seconds, quantile(all, 0.50) / 1e6, quantile(all, 0.99) / 1e6, swaps);
        }
    }

    private static double quantile(long[] sorted, double q) {
        return sorted.length == 0 ? Double.NaN : sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }

    private void client(int port, int first, AtomicBoolean stop, AtomicBoolean timing, AtomicLong failed, long[] latencies, int[] count) {
        byte[][] requests = new byte[bodies.size()][];
        for (int i = 0; i < requests.length; i++) {
            byte[] body = bodies.get(i);
            byte[] head = ("POST /v1/models/" + model.name() + ":predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            requests[i] = Arrays.copyOf(head, head.length + body.length);
            System.arraycopy(body, 0, requests[i], head.length, body.length);
        }
        int next = first;
        while (!stop.get()) {
            try (Socket socket = new Socket()) {
                socket.setTcpNoDelay(true);
                socket.connect(new InetSocketAddress("127.0.0.1", port));
                socket.setSoTimeout(30_000);
                OutputStream out = socket.getOutputStream();
                InputStream in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
                while (!stop.get()) {
                    long t0 = System.nanoTime();
                    out.write(requests[next++ % requests.length]);
                    out.flush();
                    int status = readResponse(in);
                    long nanos = System.nanoTime() - t0;
                    if (status != 200) {
                        failed.incrementAndGet();
                    }
                    if (timing.get() && count[0] < latencies.length) {
                        latencies[count[0]++] = nanos;
                    }
                }
            } catch (IOException e) {
                if (!stop.get()) {
                    failed.incrementAndGet();
                }
            }
        }
    }

    /** Reads one response (status line, headers, Content-Length bytes of body); returns the status. */
    private static int readResponse(InputStream in) throws IOException {
        String statusLine = line(in);
        int status = Integer.parseInt(statusLine.substring(9, 12));
        int length = -1;
        for (String header; !(header = line(in)).isEmpty(); ) {
            if (header.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                length = Integer.parseInt(header.substring(15).trim());
            }
        }
        if (length < 0) {
            throw new IOException("response without Content-Length");
        }
        in.skipNBytes(length);
        return status;
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0) {
                throw new IOException("connection closed");
            }
            if (b != '\r') {
                sb.append((char) b);
            }
        }
        return sb.toString();
    }
}
