package org.emnkg.testneo4j;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.PortBindException;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.config.Setting;
import org.neo4j.io.ByteUnit;

/**
 * Runs a real Neo4j Community DBMS for emnkg's tests: Neo4j embedded in this
 * JVM, with the Bolt connector enabled on 127.0.0.1 and authentication
 * disabled, unless the environment variable EMNKG_NEO4J_PASSWORD is set: then
 * user neo4j has that password (at least 8 characters). It runs until the JVM
 * is told to stop (SIGTERM or SIGINT), when a shutdown hook shuts the DBMS
 * down cleanly.
 *
 * <p>Usage: {@code java -cp ... org.emnkg.testneo4j.TestNeo4j <home> [port]}.
 * The DBMS keeps its data and logs under {@code <home>}. Port 0 (the default)
 * picks a free port. Once Bolt is up, the Bolt URI is written to
 * {@code <home>/neo4j.uri} (atomically) and to standard output.
 *
 * <p>Never use this for anything but tests: anyone who can reach the port
 * can read and write the database.
 */
public final class TestNeo4j {
    private static final String HOST = "127.0.0.1";

    private TestNeo4j() {}

    /**
     * Starts the DBMS and blocks until the JVM shuts down.
     *
     * @param args the home directory and, optionally, the Bolt port
     * @throws Exception when the DBMS cannot start
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: TestNeo4j <home-directory> [bolt-port]");
            System.exit(2);
        }
        try {
            run(Path.of(args[0]).toAbsolutePath(), args.length == 2 ? Integer.parseInt(args[1]) : 0);
        } catch (Throwable e) {
            // Exit even if some thread of a half-started DBMS lingers.
            System.err.println("Neo4j failed: " + e);
            e.printStackTrace();
            System.exit(1);
        }
    }

    private static void run(Path home, int requestedPort) throws Exception {
        long pageCache = ByteUnit.mebiBytes(Long.getLong("emnkg.neo4j.pagecacheMiB", 64));
        String password = System.getenv().getOrDefault("EMNKG_NEO4J_PASSWORD", "");
        Files.createDirectories(home);
        Files.deleteIfExists(home.resolve("neo4j.uri"));

        // A free port picked here may be taken before Neo4j binds it: then
        // try another one.
        DatabaseManagementService dbms = null;
        int port = requestedPort;
        for (int attempt = 1; dbms == null; attempt++) {
            if (requestedPort == 0) {
                port = freePort();
            }
            try {
                dbms = start(home, port, pageCache, !password.isEmpty());
            } catch (RuntimeException e) {
                if (requestedPort != 0 || attempt == 3 || !causedByBind(e)) {
                    throw e;
                }
                System.err.println("Port " + port + " was taken; trying another one.");
            }
        }

        CountDownLatch stopped = new CountDownLatch(1);
        DatabaseManagementService running = dbms;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("Shutting down Neo4j...");
            try {
                running.shutdown();
                System.out.println("Neo4j stopped.");
            } catch (RuntimeException e) {
                System.err.println("Neo4j shutdown failed: " + e);
            } finally {
                stopped.countDown();
            }
        }, "neo4j-shutdown"));

        if (!password.isEmpty()) {
            // The embedded API bypasses authentication; Bolt clients do not.
            dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME).executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED", Map.of("password", password));
        }
        // Fail early (and visibly) if the default database did not come up.
        dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME).executeTransactionally("RETURN 1");

        String uri = "bolt://" + HOST + ":" + port;
        Path tmp = home.resolve("neo4j.uri.tmp");
        Files.writeString(tmp, uri + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, home.resolve("neo4j.uri"), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
        System.out.println("Neo4j is ready at " + uri);
        System.out.flush();

        stopped.await();
    }

    private static DatabaseManagementService start(Path home, int port, long pageCache, boolean auth) {
        DatabaseManagementServiceBuilder builder = new DatabaseManagementServiceBuilder(home)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress(HOST, port))
                // The advertised address is what routing (neo4j://) URIs are sent to.
                .setConfig(BoltConnector.advertised_address, new SocketAddress(HOST, port))
                .setConfig(GraphDatabaseSettings.default_listen_address, new SocketAddress(HOST))
                .setConfig(GraphDatabaseSettings.default_advertised_address, new SocketAddress(HOST))
                .setConfig(GraphDatabaseSettings.auth_enabled, auth)
                .setConfig(GraphDatabaseSettings.pagecache_memory, pageCache)
                .setConfig(GraphDatabaseSettings.udc_enabled, false)
                .setConfig(GraphDatabaseSettings.filewatcher_enabled, false)
                // A test database is wiped often: keep transaction logs small.
                .setConfig(GraphDatabaseSettings.keep_logical_logs, "false")
                .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                // Without these, stopping waits twice for Netty's 5 s quiet period.
                .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_timeout, Duration.ofSeconds(3));
        return noQuietPeriod(builder).build();
    }

    /**
     * Sets Netty's shutdown quiet period to zero. The setting is a number of
     * seconds in Neo4j 5 and a duration in later releases; its default value
     * tells which, so that one launcher builds against both.
     */
    @SuppressWarnings("unchecked")
    private static DatabaseManagementServiceBuilder noQuietPeriod(DatabaseManagementServiceBuilder builder) {
        Setting<?> quiet = GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period;
        if (quiet.defaultValue() instanceof Duration) {
            return builder.setConfig((Setting<Duration>) quiet, Duration.ZERO);
        }
        return builder.setConfig((Setting<Integer>) quiet, 0);
    }

    /** Reports whether e was caused by a port that could not be bound. */
    private static boolean causedByBind(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof PortBindException || c instanceof BindException) {
                return true;
            }
        }
        return false;
    }

    /** Returns a TCP port on 127.0.0.1 that was free a moment ago. */
    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }
}
