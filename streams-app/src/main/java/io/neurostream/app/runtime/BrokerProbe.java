// Before a command talks to Kafka: does anything answer at bootstrap.servers, and does it accept these settings?
package io.neurostream.app.runtime;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;

/**
 * Two steps, each short: a TCP connection to some address of bootstrap.servers (so a broker that
 * is not running is reported at once, without the Kafka client's minute of retries and warnings),
 * then a describe-cluster request with the admin client's settings (so a listener that expects
 * other security settings, or refuses the credentials, is reported in one line too). With a wait
 * ({@code --wait-for-broker}) the first step is repeated until something answers or the wait ends.
 */
public final class BrokerProbe {
    /** How long one TCP connection attempt may take. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    /** How long the broker may take to answer the describe-cluster request. */
    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration RETRY_EVERY = Duration.ofSeconds(1);

    /** Nothing answered at the address, or it did not answer as a Kafka broker with these settings. */
    public static final class UnreachableException extends KafkaException {
        private static final long serialVersionUID = 1L;

        UnreachableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private BrokerProbe() {}

    /**
     * Returns once a broker answers with these admin client settings; else throws a one-line
     * {@link UnreachableException}, or an IllegalArgumentException when no client can be made
     * with these settings (e.g. SASL without a JAAS configuration).
     *
     * @param waitFor how long to keep trying while nothing accepts connections (zero: one try)
     * @param notice  told once, in one line, when it starts waiting
     */
    public static void check(Map<String, Object> adminSettings, Duration waitFor, Consumer<String> notice) throws InterruptedException {
        String bootstrap = ClientSettings.bootstrapServers(adminSettings);
        List<InetSocketAddress> addresses = addresses(bootstrap);
        long deadline = System.nanoTime() + waitFor.toNanos();
        boolean told = false;
        while (!anyAccepts(addresses)) {
            if (System.nanoTime() - deadline >= 0) {
                String waited = waitFor.isZero() ? "" : " after waiting " + human(waitFor);
                throw new UnreachableException("no Kafka broker answers at " + bootstrap + waited
                        + " (connection refused or timed out; start one, check the address"
                        + (waitFor.isZero() ? ", or wait for it with --wait-for-broker 60s)" : ")"), null);
            }
            if (!told) {
                notice.accept("no Kafka broker answers at " + bootstrap + " yet; waiting up to " + human(waitFor) + " (--wait-for-broker)");
                told = true;
            }
            Thread.sleep(RETRY_EVERY.toMillis());
        }
        describeCluster(adminSettings, bootstrap);
    }

    private static void describeCluster(Map<String, Object> adminSettings, String bootstrap) throws InterruptedException {
        Map<String, Object> settings = new LinkedHashMap<>(adminSettings);
        int timeoutMs = (int) ANSWER_TIMEOUT.toMillis();
        settings.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs);
        settings.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs);
        settings.put(CommonClientConfigs.CLIENT_ID_CONFIG, settings.get(CommonClientConfigs.CLIENT_ID_CONFIG) + "-probe");
        Admin created;
        try {
            created = Admin.create(settings);
        } catch (KafkaException e) {
            throw new IllegalArgumentException("cannot create a Kafka client with these settings: " + rootMessage(e), e);
        }
        try (Admin admin = created) {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs(timeoutMs)).clusterId().get(timeoutMs + 1_000L, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof AuthorizationException) {
                return; // it answered; what this principal may do is checked by the requests that need it
            }
            if (cause instanceof AuthenticationException) {
                throw new UnreachableException("the Kafka broker at " + bootstrap + " refused the connection: " + oneLine(cause.getMessage())
                        + " (check security.protocol, sasl.* and ssl.* in --config)", cause);
            }
            throw new UnreachableException(notKafka(bootstrap, settings) + ": " + oneLine(cause.getMessage()), cause);
        } catch (TimeoutException e) {
            throw new UnreachableException(notKafka(bootstrap, settings), e);
        }
    }

    private static String notKafka(String bootstrap, Map<String, Object> settings) {
        Object protocol = settings.getOrDefault(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "PLAINTEXT");
        return "something accepts connections at " + bootstrap + " but did not answer as a Kafka broker within " + human(ANSWER_TIMEOUT)
                + " with security.protocol " + protocol + " (check the address, security.protocol, ssl.* and sasl.* in --config)";
    }

    /** The host:port pairs of a bootstrap.servers value; a malformed one is a bad setting. */
    static List<InetSocketAddress> addresses(String bootstrap) {
        List<InetSocketAddress> out = new ArrayList<>();
        for (String part : bootstrap.split(",")) {
            String address = part.trim();
            int colon = address.lastIndexOf(':');
            if (address.isEmpty()) {
                continue;
            }
            if (colon < 1 || colon == address.length() - 1) {
                throw new IllegalArgumentException("bootstrap.servers: \"" + address + "\" is not HOST:PORT");
            }
            String host = address.substring(0, colon).replace("[", "").replace("]", "");
            int port;
            try {
                port = Integer.parseInt(address.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bootstrap.servers: \"" + address + "\" has no port number");
            }
            if (port < 1 || port > 65_535) {
                throw new IllegalArgumentException("bootstrap.servers: \"" + address + "\" has port " + port + ", not 1-65535");
            }
            out.add(InetSocketAddress.createUnresolved(host, port));
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("bootstrap.servers is empty");
        }
        return out;
    }

    private static boolean anyAccepts(List<InetSocketAddress> addresses) {
        for (InetSocketAddress address : addresses) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(address.getHostString(), address.getPort()), (int) CONNECT_TIMEOUT.toMillis());
                return true;
            } catch (IOException e) {
                // refused, unresolvable or timed out: try the next one
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return oneLine(root.getMessage() == null ? root.toString() : root.getMessage());
    }

    private static String oneLine(String message) {
        return message == null ? "" : message.replaceAll("\\s*\\R\\s*", " ").trim();
    }

    static String human(Duration d) {
        long s = d.toSeconds();
        if (s == 0) {
            return d.toMillis() + " ms";
        }
        return s % 3600 == 0 ? s / 3600 + " h" : s % 60 == 0 ? s / 60 + " min" : s + " s";
    }
}
